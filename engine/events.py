"""A small observer so that views can follow a model without the model knowing them."""
from __future__ import annotations

from typing import Any, Callable, Iterable


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
        self.node_added = Event("node_added")  # (node id)
        self.node_removed = Event("node_removed")  # (node id)
        self.edge_added = Event("edge_added")  # (edge id)
        self.edge_removed = Event("edge_removed")  # (edge id)
        self.attr_changed = Event("attr_changed")  # (node id, attribute name)
        self.node_moved = Event("node_moved")  # (node id)
        self.node_renamed = Event("node_renamed")  # (node id)
        self.value_changed = Event("value_changed")  # (node id)
        self.region_changed = Event("region_changed")  # (region id): added, removed, members, title or block
        self.meta_changed = Event("meta_changed")  # (meta key)
        self._by_name = {event.name: event for event in self.all()}

    def named(self, name: str) -> Event:
        """The event called `name` (one of NAMES); KeyError for another name."""
        return self._by_name[name]

    def follow(self, names: Iterable[str], callback: Callable[..., Any], on: bool = True) -> None:
        """Subscribe `callback` to each named event, or unsubscribe it when `on` is False."""
        for name in names:
            event = self.named(name)
            event.subscribe(callback) if on else event.unsubscribe(callback)

    def all(self) -> list[Event]:
        """Every event, for subscribing a catch-all listener (in the order of NAMES)."""
        return [self.node_added, self.node_removed, self.edge_added, self.edge_removed, self.attr_changed,
                self.node_moved, self.node_renamed, self.value_changed, self.region_changed, self.meta_changed]
