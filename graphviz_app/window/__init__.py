"""Parts of the main window: menus and actions, file handling, attribute editors, array views."""
