"""Every key sequence of a window, and which actions or shortcuts answer it (used offscreen and under X11)."""
from __future__ import annotations

from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QWidget


def shortcut_owners(window: QWidget) -> dict[str, list[str]]:
    """{key sequence: names of the actions and QShortcuts that use it}, for the window and all its children.

    Disabled ones count too: Cut and Copy are only disabled until something is selected, and the
    presentation keys are only disabled until presentation mode starts.
    """
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        name = action.text().replace("&", "") or action.objectName()
        for sequence in {s.toString() for s in action.shortcuts() if not s.isEmpty()}:
            owners.setdefault(sequence, []).append(name)
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.key().isEmpty():
            owners.setdefault(shortcut.key().toString(), []).append(f"shortcut of {shortcut.parent().objectName()}")
    return owners


def clashes(window: QWidget) -> list[str]:
    """Key sequences that more than one action or shortcut answers ("Ambiguous shortcut overload")."""
    return [f"{key}: {', '.join(names)}" for key, names in sorted(shortcut_owners(window).items()) if len(names) > 1]


def main() -> None:
    """Build the window on this platform (e.g. xcb under Xvfb) and print each clash on a line of its own."""
    import os
    import sys
    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from graphviz_app.main_window import MainWindow
    from graphviz_app.recovery import RecoveryStore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery=RecoveryStore(os.path.join(folder, "recovery")))
        print(f"platform {app.platformName()}: {len(shortcut_owners(window))} key sequences")
        for line in clashes(window):
            print(f"CLASH {line}")
        window.training.session.close()


if __name__ == "__main__":
    main()
