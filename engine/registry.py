"""The op registry: one class per op, one table that drives palette, loader, docs and tests."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Collection, Mapping

import numpy as np

from .errors import AttrError
from .op_facts import OutputKind, Positions, Role, ScalarRule

Shape = tuple  # ints, with None for the batch axis


@dataclass(frozen=True)
class Port:
    """A named input of an op; ids and labels are `integer` and carry no gradient; an `optional` one may stay open."""

    name: str
    doc: str = ""
    differentiable: bool = True
    integer: bool = False
    optional: bool = False  # only the last port; when open, forward/infer/vjp get one input fewer


@dataclass(frozen=True)
class LocalRule:
    """An op's local derivative ∂out/∂(one input) in the slides' notation: the hint of practice mode.

    `formula` names the op's ports and `out` (its result), e.g. "∂out/∂x = 1/x"; a practice hint writes the
    nodes' names in their place. `uses` lists the ports (or "out") whose values the rule needs. `note` is
    a plain sentence added as it is (it must not rely on port names being replaced).
    """

    formula: str
    uses: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Attr:
    """An attribute with its kind, default and validation."""

    name: str
    kind: str  # int, float, bool, str, choice, shape, floats, axis
    default: Any
    doc: str = ""
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None  # also the editor's upper limit

    def validate(self, value: Any) -> Any:
        """Return the value in canonical form, or raise AttrError saying what was expected."""
        check = _CHECKS[self.kind]
        return check(self, value)


def _int(attr: Attr, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        else:
            raise AttrError(f"expected an integer, got {v!r}")
    v = int(v)
    if attr.minimum is not None and v < attr.minimum:
        word = "a positive integer" if attr.minimum == 1 else f"an integer ≥ {attr.minimum:g}"
        raise AttrError(f"expected {word}, got {v}")
    if attr.maximum is not None and v > attr.maximum:
        raise AttrError(f"expected an integer ≤ {attr.maximum:g}, got {v}")
    return v


def _float(attr: Attr, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise AttrError(f"expected a number, got {v!r}")
    v = float(v)
    if not np.isfinite(v):
        raise AttrError(f"expected a finite number, got {v}")
    if attr.minimum is not None and v < attr.minimum:
        raise AttrError(f"expected a number ≥ {attr.minimum:g}, got {v:g}")
    if attr.maximum is not None and v > attr.maximum:
        raise AttrError(f"expected a number ≤ {attr.maximum:g}, got {v:g}")
    return v


def _bool(attr: Attr, v: Any) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise AttrError(f"expected true or false, got {v!r}")
    return bool(v)


def _str(attr: Attr, v: Any) -> str:
    if not isinstance(v, str) or len(v) > 200:
        raise AttrError(f"expected a short text, got {v!r:.60}")
    return v


def _choice(attr: Attr, v: Any) -> str:
    if v not in attr.choices:
        raise AttrError(f"expected one of {', '.join(map(str, attr.choices))}, got {v!r:.60}")
    return v


def parse_shape(v: Any) -> tuple[int, ...]:
    """Read a shape from a list of ints or a text such as '3x4', '3×4', '5' or '' (scalar)."""
    if isinstance(v, str):
        text = v.replace("×", "x").replace(",", "x").replace(" ", "")
        parts = [p for p in text.split("x") if p]
        try:
            v = [int(p) for p in parts]
        except ValueError:
            raise AttrError(f"expected a shape such as 3x4, got {v!r:.60}") from None
    if not isinstance(v, (list, tuple)) or len(v) > 4:
        raise AttrError(f"expected a shape (up to 4 sizes), got {v!r:.60}")
    out = []
    for n in v:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 1_000_000:
            raise AttrError(f"expected sizes between 1 and 1000000, got {n!r:.60}")
        out.append(int(n))
    if int(np.prod(out)) > 20_000_000:
        raise AttrError(f"shape {out} has more than 20 million entries")
    return tuple(out)


def _shape(attr: Attr, v: Any) -> tuple[int, ...]:
    return parse_shape(v)


def _floats(attr: Attr, v: Any) -> list | float:
    arr = np.asarray(v, dtype=object)
    try:
        out = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise AttrError(f"expected a number or nested list of numbers, got {v!r:.60}") from None
    if arr.dtype == object and out.ndim == 0 and not isinstance(v, (int, float)):
        raise AttrError(f"expected a number or nested list of numbers, got {v!r:.60}")
    if out.size > 100_000 or not np.all(np.isfinite(out)):
        raise AttrError("expected at most 100000 finite numbers")
    return out.tolist() if out.ndim else float(out)


def _axis(attr: Attr, v: Any) -> int | None:
    if v is None or v == "all":
        return None
    if isinstance(v, str):
        try:
            v = int(v)
        except ValueError:
            raise AttrError(f"expected 'all' or an axis number, got {v!r:.60}") from None
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not -4 <= v <= 3:
        raise AttrError(f"expected 'all' or an axis from -4 to 3, got {v!r:.60}")
    return int(v)


_CHECKS: dict[str, Callable[[Attr, Any], Any]] = {
    "int": _int, "float": _float, "bool": _bool, "str": _str,
    "choice": _choice, "shape": _shape, "floats": _floats, "axis": _axis,
}


class Op:
    """Base class of every op; subclasses declare ports and attrs and implement forward/vjp."""

    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    inputs: ClassVar[tuple[Port, ...]] = ()
    attr_specs: ClassVar[tuple[Attr, ...]] = ()
    leibniz: ClassVar[str] = ""  # how the output reads in terms of the input ports
    # Facts the rest of the program reads from the op instead of keeping lists of op names (engine.op_facts).
    role: ClassVar[Role] = Role.COMPUTE
    output_kind: ClassVar[OutputKind] = OutputKind.VALUE
    trainable: ClassVar[bool] = False  # its value is a parameter that training updates
    # (low, high) of an elementwise, non-decreasing activation (σ, tanh, ReLU); None for every other op.
    # Max over time may then be taken before it (the compiled fusion relies on that), and the range scales plots.
    activation_range: ClassVar[tuple[float, float] | None] = None
    has_winners: ClassVar[bool] = False  # forward picks one winning position per feature (explain() names it)
    table_port: ClassVar[str | None] = None  # the input holding a table whose rows token ids pick (Embedding's E)
    positions: ClassVar[Positions] = Positions.NONE  # where the output's word positions come from, if it has any
    rearranges: ClassVar[bool] = False  # the output holds the input's own numbers, moved (Transpose, Reshape)
    scalar: ClassVar[ScalarRule | None] = None  # its formula on single floats (see scalar_rule)
    is_source: ClassVar[bool] = False
    out_dtype: ClassVar[str] = "float"
    local_rules: ClassVar[dict[str, LocalRule]] = {}  # input port → ∂out/∂port (see local_rule)

    def __init__(self, attrs: dict[str, Any] | None = None):
        self.attrs: dict[str, Any] = {a.name: a.validate(a.default) for a in self.attr_specs}
        for key, value in (attrs or {}).items():
            self.set_attr(key, value)

    @classmethod
    def description(cls) -> str:
        """One line that describes the op (its docstring); also the palette tooltip."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    @classmethod
    def spec(cls, key: str) -> Attr:
        """The attribute spec named `key`, or AttrError if the op has none."""
        for a in cls.attr_specs:
            if a.name == key:
                return a
        raise AttrError(f"{cls.name} has no attribute '{key}'")

    @classmethod
    def port_names(cls) -> list[str]:
        """Names of the input ports, in order."""
        return [p.name for p in cls.inputs]

    @classmethod
    def connected_ports(cls, connected: Collection[str]) -> list[Port]:
        """The ports that receive a value, in order: every port in `connected` (an open optional one is left out)."""
        return [p for p in cls.inputs if p.name in connected]

    @classmethod
    def open_ports(cls, connected: Collection[str]) -> list[str]:
        """Names of the required ports missing from `connected`."""
        return [p.name for p in cls.inputs if not p.optional and p.name not in connected]

    def set_attr(self, key: str, value: Any) -> None:
        """Validate and store one attribute."""
        self.attrs[key] = self.spec(key).validate(value)

    def infer(self, shapes: list[Shape], names: list[str]) -> Shape:
        """Output shape from input shapes (None = batch axis); raise ShapeError with a clear message."""
        raise NotImplementedError

    def forward(self, *xs: np.ndarray) -> tuple[np.ndarray, Any]:
        """Return (output, context kept for the vjp)."""
        raise NotImplementedError

    def vjp(self, i: int, g: np.ndarray, xs: tuple, out: np.ndarray, ctx: Any) -> np.ndarray:
        """Vector-Jacobian product: ∂L/∂xs[i] given g = ∂L/∂out."""
        raise NotImplementedError

    def local_rule(self, port: str) -> LocalRule | None:
        """The local derivative ∂out/∂port in the slides' notation, or None where the op has written none.

        Every op writes one for each differentiable input (a registry test insists), in `local_rules` or, when
        it depends on an attribute, by overriding this method: practice mode's hints come from the op itself."""
        return self.local_rules.get(port)

    def explain(self, ctx: Any) -> dict[str, Any]:
        """Extra facts worth showing about one forward run (e.g. which position won a max)."""
        return {}

    grad_shapes: ClassVar[tuple] = ()  # cases for the gradient check: one shape per input

    def sample_inputs(self, rng: np.random.Generator) -> list[list[np.ndarray]]:
        """Input sets for the automatic gradient check; ops override where the domain is special."""
        return [[rng.normal(size=s) for s in case] for case in self.grad_shapes]

    def scalar_rule(self) -> ScalarRule | None:
        """The op on single floats for the compiled scalar path, or None if it has none (ops whose rule
        depends on an attribute override this; the others set `scalar`)."""
        return self.scalar

    def window_width(self) -> int | None:
        """How many neighbouring positions each output position reads (Window, SeqConv), or None."""
        return None

    def id_limit(self, port: str, shapes: Mapping[str, tuple]) -> int | None:
        """How many distinct ids the integer input `port` accepts (ids 0 … n−1), given the other inputs'
        shapes by port name; None if any id will do."""
        return None


OPS: dict[str, type[Op]] = {}


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: add an op to the one registry."""
    if not cls.name or not cls.category or not cls.__doc__:
        raise TypeError(f"{cls.__name__} needs a name, a category and a one-line docstring")
    if cls.name in OPS:
        raise TypeError(f"op {cls.name} is registered twice")
    if any(p.optional for p in cls.inputs[:-1]):
        raise TypeError(f"{cls.__name__}: only the last input port may be optional")
    OPS[cls.name] = cls
    return cls


def missing_local_rules(op: type[Op]) -> list[str]:
    """The differentiable input ports of an op that have no local rule (practice mode's hint); [] when all do."""
    instance = op()
    return [p.name for p in op.inputs if p.differentiable and instance.local_rule(p.name) is None]


def get_op(name: str) -> type[Op]:
    """The op class called `name`; AttrError listing close names if there is none."""
    try:
        return OPS[name]
    except KeyError:
        raise AttrError(f"unknown op '{name:.60}'") from None


CATEGORIES = ("Sources", "Arithmetic", "Activations", "Losses", "Text")


def ops_by_category() -> dict[str, list[type[Op]]]:
    """Registered ops grouped in palette order."""
    out: dict[str, list[type[Op]]] = {c: [] for c in CATEGORIES}
    for op in OPS.values():
        out.setdefault(op.category, []).append(op)
    return out
