"""A small observer so that views can follow a model without the model knowing them."""
from __future__ import annotations

from typing import Any, Callable


class Event:
    """A named event: callbacks subscribe, the model emits."""

    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []

    def subscribe(self, callback: Callable[..., Any]) -> None:
        """Call `callback(*args)` on every emit."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def unsubscribe(self, callback: Callable[..., Any]) -> None:
        """Stop calling `callback`."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        """Call every subscriber in subscription order."""
        for callback in list(self._callbacks):
            callback(*args)


class GraphEvents:
    """The events a Graph emits; each passes the ids (and new values) that changed."""

    NAMES = ("node_added", "node_removed", "edge_added", "edge_removed", "attr_changed",
             "node_moved", "node_renamed", "value_changed", "region_changed", "meta_changed")

    def __init__(self) -> None:
        for name in self.NAMES:
            setattr(self, name, Event(name))

    def all(self) -> list[Event]:
        """Every event, for subscribing a catch-all listener."""
        return [getattr(self, n) for n in self.NAMES]
