"""The one error type of the data layer."""
from __future__ import annotations

from ..errors import EngineError


class DataError(EngineError, ValueError):
    """A data set is missing, malformed, or asked for with an invalid spec; the message says how to fix it."""
