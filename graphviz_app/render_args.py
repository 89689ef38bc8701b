"""What render's --aspect and --step mean, shared by the picture and the animation (graphviz_app.animation.cli)."""
from __future__ import annotations

PHASES = ("forward", "backward", "end")


def parse_aspect(text: str) -> float | None:
    """--aspect as width / height: '16:9', '4:3', '1.6', or None for 'none'."""
    if str(text).strip().lower() == "none":
        return None
    parts = str(text).replace("/", ":").split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2) or not all(n > 0 for n in numbers):
        raise ValueError(f"--aspect: expected width:height such as 16:9, a number such as 1.6, or none; got {text!r}")
    aspect = numbers[0] / numbers[-1] if len(numbers) == 2 else numbers[0]
    if not 0.2 <= aspect <= 5.0:
        raise ValueError(f"--aspect: expected a shape between 1:5 and 5:1, got {text!r}")
    return aspect



def resolve_step(trace, step: str | None) -> int | None:
    """Step index from --step: a number (negative from the end) or a phase name."""
    if step is None:
        return None
    kinds = [s.kind for s in trace.steps]
    if step in PHASES:
        wanted = {"forward": ("forward",), "backward": ("forward", "seed", "backward", "sum", "nograd")}
        allowed = wanted.get(step)
        return max(i for i, k in enumerate(kinds) if allowed is None or k in allowed)
    try:
        k = int(step)
    except ValueError:
        raise ValueError(f"--step: expected a number or one of {', '.join(PHASES)}, got {step!r}") from None
    if not -len(kinds) <= k < len(kinds):
        raise ValueError(f"--step {k}: the trace has steps 0 to {len(kinds) - 1}")
    return k % len(kinds)
