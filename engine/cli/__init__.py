"""Headless subcommands of main.py (no Qt): check, train, predict, export."""
