"""Importing this package registers every op."""
from . import elementwise, linalg, losses, sources, text  # noqa: F401
