"""Computation Graph Explorer desktop app (PySide6): views and controllers over the engine's graph model."""
