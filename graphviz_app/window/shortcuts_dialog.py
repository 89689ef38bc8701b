"""Help ▸ Keyboard Shortcuts: every action's keys, grouped by menu, in columns that fit a 768-pixel screen."""
from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QLabel, QMenu, QScrollArea, QVBoxLayout,
                               QWidget)

Group = tuple[str, list[tuple[str, str]]]  # (menu title, [(action text, keys)])
COLUMNS = 3
SCREEN_SHARE = 0.85  # of the available height, so the OK button is always on screen


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def shortcut_groups(menus: dict[str, QMenu], actions: dict[str, QAction]) -> list[Group]:
    """Actions with shortcuts, by the menu they are in (submenus count); the rest under "Other"."""
    groups: list[Group] = []
    listed: set[int] = set()
    for menu in menus.values():
        rows = []
        for action in _menu_actions(menu):
            if not action.shortcuts() or id(action) in listed:
                continue
            listed.add(id(action))
            rows.append((action.text().replace("&", ""), _keys(action)))
        if rows:
            groups.append((menu.title().replace("&", ""), rows))
    rest = [(a.text().replace("&", ""), _keys(a)) for a in actions.values() if a.shortcuts() and id(a) not in listed]
    return groups + ([("Other", rest)] if rest else [])


def _menu_actions(menu: QMenu) -> list[QAction]:
    out = []
    for action in menu.actions():
        sub = action.menu()
        out.extend(_menu_actions(sub) if isinstance(sub, QMenu) else [action])
    return out


def shortcuts_html(groups: list[Group], columns: int = COLUMNS) -> str:
    """The groups as a table of `columns` columns, each group kept whole, columns about equally long."""
    cells: list[list[Group]] = [[] for _ in range(columns)]
    lengths = [0] * columns
    for group in groups:  # longest first would reorder the menus; fill the shortest column instead
        shortest = lengths.index(min(lengths))
        cells[shortest].append(group)
        lengths[shortest] += len(group[1]) + 2
    return "<table cellspacing=12><tr>" + "".join(
        f"<td valign=top>{''.join(_group_html(g) for g in cell)}</td>" for cell in cells) + "</tr></table>"


def _group_html(group: Group) -> str:
    title, rows = group
    body = "".join(f"<tr><td>{html.escape(text)}</td><td><b>{html.escape(keys)}</b></td></tr>"
                   for text, keys in rows)
    return f"<p><b>{html.escape(title)}</b></p><table cellpadding=2>{body}</table>"


class ShortcutsDialog(QDialog):
    """The table of shortcuts, scrolling if the screen is smaller still."""

    def __init__(self, parent: QWidget | None, groups: list[Group]):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.label = QLabel(shortcuts_html(groups))
        self.label.setMargin(8)
        scroll = QScrollArea()
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self._fit_screen(buttons)

    def _fit_screen(self, buttons: QDialogButtonBox) -> None:
        wanted = self.label.sizeHint()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        most_w = int(screen.width() * 0.95) if screen else wanted.width() + 40
        most_h = int(screen.height() * SCREEN_SHARE) if screen else wanted.height() + 80
        self.resize(min(wanted.width() + 40, most_w), min(wanted.height() + buttons.sizeHint().height() + 40, most_h))
