"""Presentation mode (F5): full screen, docks hidden, projector theme, a big caption; Space/←/→/Esc/P."""
from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QLabel, QToolBar, QWidget

from ..window.contract import Workbench
from .camera import Camera
from .controller import ExplainController

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's largest widget size

CAPTION_STYLE = ("QLabel { background: rgba(255, 255, 255, 235); color: #000000; border: 2px solid #303030;"
                 " border-radius: 8px; padding: 10px 16px; }")
CAPTION_PX = 30
KEYS = {"next": Qt.Key.Key_Right, "back": Qt.Key.Key_Left, "leave": Qt.Key.Key_Escape, "predict": Qt.Key.Key_P,
        "overview": Qt.Key.Key_O, "zoom_in": Qt.Key.Key_Plus, "zoom_in_too": Qt.Key.Key_Equal,
        "zoom_out": Qt.Key.Key_Minus}
ZOOM_STEP = 1.25
CAPTION_MARGIN = 16  # pixels around the caption
WINDOW_KEYS = ("zoom_in", "zoom_out", "fit")  # the View menu's actions, whose shortcuts die with the menu bar


class Presentation(QObject):
    """Turns the window into a lecture-hall display and back, remembering exactly what it changed."""

    changed = Signal(bool)

    def __init__(self, window: Workbench, controller: ExplainController, caption_of: Callable[[int], str],
                 camera: Camera):
        super().__init__(window.host)
        self.window = window
        self.controller = controller
        self.caption_of = caption_of
        self.camera = camera
        self.active = False
        self._saved: dict[str, Any] = {}
        self.top_band = 0  # pixels kept free at the top of the canvas (reserve_top), besides the caption's below
        self.caption = caption_label(window.view)  # under the canvas, not on it: the graph stays uncovered
        self.caption.hide()
        window.view.installEventFilter(self)
        window.view.viewport().installEventFilter(self)
        self._reframe = QTimer(self)
        self._reframe.setSingleShot(True)
        self._reframe.setInterval(0)
        self._reframe.timeout.connect(lambda: self.active and self._frame(animate=self.camera.moving))
        self.shortcuts = {key: QShortcut(QKeySequence(code), window.host) for key, code in KEYS.items()}
        self.shortcuts["next"].activated.connect(self._next)
        self.shortcuts["back"].activated.connect(controller.step_back)  # each of these keeps a step lock
        self.shortcuts["leave"].activated.connect(self.leave)
        self.shortcuts["predict"].activated.connect(self._toggle_predict)
        self.shortcuts["overview"].activated.connect(camera.overview)
        for key, factor in (("zoom_in", ZOOM_STEP), ("zoom_in_too", ZOOM_STEP), ("zoom_out", 1 / ZOOM_STEP)):
            self.shortcuts[key].activated.connect(lambda f=factor: window.view.zoom_by(f))
        # with the menu bar hidden, the View menu's Ctrl++ / Ctrl+- / F work only if the window holds them
        window.host.addActions([window.actions[key] for key in WINDOW_KEYS if key in window.actions])
        for shortcut in self.shortcuts.values():
            shortcut.setEnabled(False)
        controller.player.step_changed.connect(self._update_caption)
        controller.player.revealed_changed.connect(lambda _r: self._update_caption(controller.player.step))

    def toggle(self) -> None:
        """Enter or leave presentation mode."""
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        """Full screen, docks, toolbars and menus hidden, projector theme, caption shown."""
        if self.active:
            return
        w, host = self.window, self.window.host
        self._saved = {
            "state": host.windowState(), "theme": w.theme_name,
            "widgets": [x for x in host.findChildren(QDockWidget) + host.findChildren(QToolBar)
                        if x.isVisible() and x.parent() is host],
            "layout": host.saveState(),  # which tab of each dock group is in front, and the dock sizes
            "menubar": host.menuBar().isVisible(), "statusbar": host.statusBar().isVisible(),
            "view": w.view.zoom_state(),
        }
        for widget in self._saved["widgets"]:
            widget.hide()
        host.menuBar().hide()
        host.statusBar().hide()
        w.set_theme("projector")
        self.controller.player.refresh()  # edge colours follow the theme
        host.showFullScreen()
        self._set_active(True)
        if self.controller.trace is None:  # a trace on the canvas (an SGD step's, even stale) stays
            self.controller.ensure_trace()
        w.view.setFocus()
        self._update_caption(self.controller.player.step)
        self._frame()

    def _frame(self, animate: bool = False) -> None:
        """The step at a readable size (the whole graph before the first step), without animation unless told."""
        if self.controller.player.step >= 0 and not self.camera.in_overview:
            self.camera.follow(self.controller.player.step, animate=animate)
        else:
            self.window.view.fit_all()

    def leave(self) -> None:
        """Everything back as it was before F5."""
        if not self.active:
            return
        w, host, saved = self.window, self.window.host, self._saved
        self._set_active(False)
        w.set_theme(saved["theme"])
        self.controller.player.refresh()
        host.setWindowState(saved["state"])
        for widget in saved["widgets"]:
            widget.show()
        host.restoreState(saved["layout"])
        host.menuBar().setVisible(saved["menubar"])
        host.statusBar().setVisible(saved["statusbar"])
        w.view.set_zoom_state(saved["view"])

    def reserve_top(self, height: int) -> None:
        """Keep a band `height` pixels tall free at the top of the canvas for a widget laid over it (0: none).

        The canvas shrinks below the band, as it does above the caption, so the camera frames each step inside the
        free area (the viewport's resize frames the step on screen again)."""
        height = max(0, int(height))
        if height == self.top_band:
            return
        self.top_band = height
        if self.active:
            self._set_margins(self.caption.height() + 2 * CAPTION_MARGIN)

    def _set_margins(self, bottom: int) -> None:
        """Viewport margins for the top band and the caption (the viewport's resize frames the step again)."""
        view = self.window.view
        margins = view.viewportMargins()
        if (margins.top(), margins.bottom()) != (self.top_band, bottom):
            center = view.view_center()  # a new margin scrolls the view: until the step is framed again, no jump
            view.setViewportMargins(0, self.top_band, 0, bottom)
            view.center_on(center)

    def _set_active(self, on: bool) -> None:
        self.active = on
        self.camera.enabled = on or self._camera_option()
        if not on:
            self.window.view.setViewportMargins(0, 0, 0, 0)
        for shortcut in self.shortcuts.values():
            shortcut.setEnabled(on)
        self.caption.setVisible(on)
        self.changed.emit(on)

    def _camera_option(self) -> bool:
        """The normal view's "Camera Follows the Trace" setting."""
        action = self.window.actions.get("explain_camera")
        return action is not None and action.isChecked()

    def _next(self) -> None:
        """→ scrubs one step on at once (no animation, nothing hidden)."""
        if self.controller.steps_free() and self.controller.ensure_steps():
            self.controller.player.seek(self.controller.player.step + 1)

    def _toggle_predict(self) -> None:
        player = self.controller.player
        self.controller.set_predict(not player.predict)
        self._update_caption(player.step)

    def _update_caption(self, k: int) -> None:
        if not self.active:
            return
        player = self.controller.player
        text = self.caption_of(k)
        if player.predict and not player.revealed:
            text += "   (what do you predict? Space reveals)"
        mode = "predict, then reveal · " if player.predict else ""
        hint = (f"{mode}Space: next &nbsp; ←/→: scrub &nbsp; O: overview &nbsp; +/−: zoom &nbsp; P: predict mode"
                " &nbsp; Esc: leave")
        self.caption.setText(caption_html(text, hint))
        self._place_caption()

    def _place_caption(self) -> None:
        """The caption along the bottom of the canvas, which shrinks (viewport margin) to make room."""
        area = self.window.view.rect()
        margin = CAPTION_MARGIN
        self.caption.setFixedWidth(max(200, area.width() - 2 * margin))
        self.caption.setMinimumHeight(0)  # a fixed height would bound the height asked for below
        self.caption.setMaximumHeight(QWIDGETSIZE_MAX)
        self.caption.setFixedHeight(self.caption.heightForWidth(self.caption.width()))
        self.caption.move(margin, area.height() - self.caption.height() - margin)
        self._set_margins(self.caption.height() + 2 * margin)
        self.caption.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.Resize or not self.active:
            return False
        view = self.window.view
        if watched is view:
            self._place_caption()
        elif watched is view.viewport():
            # the canvas has a new size (full screen arriving, the caption or a top band growing): frame the step
            # for it once the view has finished its own resizing, which scrolls
            self._reframe.start()
        return False


def caption_label(parent: QWidget | None = None) -> QLabel:
    """The big caption box of presentation mode (the animation export draws the same one under its frames)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(CAPTION_STYLE)
    font = QFont("DejaVu Sans")
    font.setPixelSize(CAPTION_PX)
    label.setFont(font)
    return label


def caption_html(text: str, note_html: str) -> str:
    """The caption's rich text: the step in words, and a small grey line under it (keys, or where it stands)."""
    return f"{html.escape(text)}<br><span style='font-size:16px; color:#555555'>{note_html}</span>"


def space_shortcut(view: QWidget, slot: Callable[[], None]) -> QShortcut:
    """Space steps the trace while the canvas has the focus."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), view)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut
