"""Which Alt+letter mnemonics a window shows, and where two of them answer the same letter.

A mnemonic is the underlined letter of a button, a buddy label, a group box, a tab or a menu entry. Two
shown at once with one letter make Alt+letter ambiguous: Qt then only moves the focus between them (or,
in a menu, between the entries) instead of pressing anything.
"""
from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QDockWidget, QGroupBox, QLabel, QMainWindow, QMenu, QTabBar,
                               QTabWidget, QWidget)


def mnemonic(text: str) -> str:
    """"Alt+A" for "Step B&ack", "" for a text without one (an escaped "&&" is no mnemonic)."""
    return QKeySequence.mnemonic(text).toString()


def _texts(widget: QWidget) -> list[str]:
    """The texts of `widget` that Qt turns into mnemonic shortcuts."""
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel) and widget.buddy() is not None:
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabEnabled(i)]
    return []


def shown_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """{"Alt+X": texts that use it} over the widgets of `root` that are shown with it."""
    owners: dict[str, list[str]] = {}
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        for text in _texts(widget):
            key = mnemonic(text)
            if key:
                owners.setdefault(key, []).append(text.replace("&&", "\0").replace("&", "").replace("\0", "&"))
    return owners


def tab_states(root: QWidget) -> Iterator[str]:
    """Bring each tab of each tab widget inside `root` forward in turn; yields a name for the state."""
    yield "as opened"
    for tabs in root.findChildren(QTabWidget):
        before = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield f"tab {tabs.tabText(index)!r}"
        tabs.setCurrentIndex(before)


def dock_repeats(dock: QDockWidget) -> list[str]:
    """"Alt+X in <state>: a, b" for each letter two widgets of the dock show at once, in any tab state."""
    found: list[str] = []
    for state in tab_states(dock):
        for key, texts in sorted(shown_mnemonics(dock).items()):
            if len(texts) > 1:
                found.append(f"{key} in {dock.windowTitle()} ({state}): {', '.join(texts)}")
    return found


def menu_bar_keys(window: QMainWindow) -> dict[str, str]:
    """{"Alt+F": "File", ...} for the top-level menus of the window's menu bar."""
    return {mnemonic(a.text()): a.text().replace("&", "") for a in window.menuBar().actions()
            if a.isVisible() and mnemonic(a.text())}


def dock_menu_clashes(dock: QDockWidget, window: QMainWindow) -> list[str]:
    """Letters of the dock, in any tab state, that a top-level menu also answers."""
    menus = menu_bar_keys(window)
    found: list[str] = []
    for state in tab_states(dock):
        for key, texts in sorted(shown_mnemonics(dock).items()):
            if key in menus:
                found.append(f"{key} in {dock.windowTitle()} ({state}): {', '.join(texts)} and menu {menus[key]}")
    return found


def menu_repeats(menu: QMenu, path: str = "") -> list[str]:
    """Letters shared by two visible entries of one menu (or of one of its submenus)."""
    where = f"{path} ▸ {menu.title().replace('&', '')}" if path else menu.title().replace("&", "")
    owners: dict[str, list[str]] = {}
    found: list[str] = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        key = mnemonic(action.text())
        if key:
            owners.setdefault(key, []).append(action.text().replace("&", ""))
        if action.menu() is not None:
            found += menu_repeats(action.menu(), where)
    return found + [f"{key} in {where}: {', '.join(texts)}" for key, texts in sorted(owners.items())
                    if len(texts) > 1]
