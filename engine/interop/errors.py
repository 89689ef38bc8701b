"""Errors of the interop layer; all are EngineErrors, so main.py prints them as one line."""
from __future__ import annotations

from ..errors import EngineError


class InteropError(EngineError, ValueError):
    """A graph cannot be exported, or a model cannot be imported; the message says what and where."""


class OnnxMissingError(InteropError):
    """The optional onnx package is not installed."""


class UnsupportedOnnxError(InteropError):
    """An ONNX model uses ops or attributes the explorer cannot represent exactly."""


def require_onnx():
    """The onnx module, or OnnxMissingError telling how to install it."""
    try:
        import onnx
    except ImportError:
        raise OnnxMissingError("ONNX support needs the optional onnx package: pip install onnx") from None
    return onnx
