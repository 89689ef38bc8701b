"""The formula language's vocabulary: function names derived from the op registry, plus the one table
of syntax that only the parser knows (symbols, ASCII spellings, aliases)."""
from __future__ import annotations

import re

from .. import ops as _ops  # noqa: F401  (registers every op)
from ..registry import OPS, Op

# ----- parser-only syntax: the one place that maps symbols and extra spellings to ops
# Unicode symbols and their ASCII spellings, as the lexer normalises them.
SYMBOL_SPELLINGS = {
    "−": "-", "–": "-", "×": "*", "⊙": "*", "∗": "*", "÷": "/", "·": "@", "⋅": "@", "∑": "Σ", "∈": ":",
    "'": "ᵀ", "′": "ᵀ",
}
INFIX_OPS = {"+": "Add", "-": "Subtract", "*": "Multiply", "/": "Divide"}
INFIX_PRINT = {"Add": "+", "Subtract": "−", "Multiply": "×", "Divide": "/"}
NEGATE, POWER, TRANSPOSE, CONCAT, SUM = "Negate", "Power", "Transpose", "Concat", "Sum"
DOT, MATMUL, MULTIPLY = "Dot", "MatMul", "Multiply"
POWER_ATTR = "exponent"
# Extra names for ops; the first is the printed name when the op's Leibniz label gives none.
ALIASES: dict[str, tuple[str, ...]] = {
    "Sigmoid": ("sigma",),
    "Sum": ("Σ",),
    "MatMul": ("matmul",),
    "ReLU": ("relu",),
    "BinaryCrossEntropy": ("bce",),
    "MeanSquaredError": ("mse",),
    "SeqConv": ("conv", "conv_over_words"),
    "MaxPoolTime": ("max_over_time", "maxᵢ", "max_i"),
}
PREFIX_FUNCTIONS = frozenset({"Σ", "maxᵢ", "max_i"})  # may be applied without parentheses: Σ x, maxᵢ aᵢ
VOCAB_ATTR = "vocab_size"  # an op attribute that a token declaration's vocab fills in
REAL_TYPES = ("R", "ℝ")
TOKENS_TYPE = "tokens"
BATCH = "B"
TRANSPOSE_LETTER = "T"  # x^T
ROLE_FLAGS = {"input": "Input", "param": "Parameter", "parameter": "Parameter",
              "const": "Constant", "constant": "Constant"}
VOCAB_OPTION = "vocab"
WORDS = {"true": True, "false": False}
RESERVED = frozenset(REAL_TYPES + (TOKENS_TYPE,) + tuple(WORDS))

GREEK = dict(zip("alpha beta gamma delta epsilon eta theta kappa lambda mu rho tau phi psi omega".split(),
                 "αβγδεηθκλμρτφψω"))
GREEK.update(zip("Gamma Delta Theta Lambda Phi Psi Omega".split(), "ΓΔΘΛΦΨΩ"))
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
_SUBSCRIPT_CHARS = frozenset(SUBSCRIPTS.values())
_NOT_NAME = frozenset("ᵀΣ") | frozenset(SUPERSCRIPTS)
MAX_NAME_CHARS = 60


def is_name_start(ch: str) -> bool:
    """A letter or _ can start a name (ᵀ, Σ and superscripts are symbols)."""
    return (ch.isalpha() or ch == "_") and ch not in _NOT_NAME


def is_name_char(ch: str) -> bool:
    """Letters, digits, _ and subscripts continue a name."""
    return (ch.isalnum() or ch == "_" or ch in _SUBSCRIPT_CHARS) and ch not in _NOT_NAME


def is_formula_name(text: str) -> bool:
    """True when `text` can stand as a name in a formula (and is not a function or type word)."""
    return (0 < len(text) <= MAX_NAME_CHARS and is_name_start(text[0]) and all(map(is_name_char, text[1:]))
            and text not in RESERVED and text not in function_table() and normal_name(text) == text)


def normal_name(text: str) -> str:
    """ASCII spellings of names: theta → θ, b_1 → b₁, x_i → xᵢ (a Greek word or one subscript after _)."""
    base, sep, sub = text.rpartition("_")
    if sep and base and sub and (sub.isdigit() or len(sub) == 1) and all(c in SUBSCRIPTS for c in sub):
        return normal_name(base) + "".join(SUBSCRIPTS[c] for c in sub)
    return GREEK.get(text, text)


def is_input_name(name: str) -> bool:
    """Real-valued declarations named x, x₁, x2 … are inputs; every other one is a parameter."""
    return re.fullmatch(r"x[0-9₀-₉ᵢⱼₖₜ]*", name) is not None


# ----- function names derived from the registry
def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def leibniz_head(op: type[Op]) -> str | None:
    """'σ' for an op whose Leibniz label is σ(x) with exactly its ports as arguments, else None."""
    match = re.fullmatch(r"([^\W\d]\w*)\((.*)\)", op.leibniz)
    if match and match.group(2) == ", ".join(op.port_names()):
        return match.group(1)
    return None


_TABLE: dict[str, str] = {}
_TABLE_KEY: tuple[str, ...] = ()


def function_table() -> dict[str, str]:
    """{spelling: op name} for every computing op: Leibniz head, aliases, name in lower and snake case."""
    global _TABLE, _TABLE_KEY
    key = tuple(OPS)
    if key != _TABLE_KEY:
        table: dict[str, str] = {}
        for op in OPS.values():
            if op.is_source:
                continue
            spellings = (leibniz_head(op),) + ALIASES.get(op.name, ()) + (op.name.lower(), _snake(op.name))
            for spelling in spellings:
                if spelling:
                    table.setdefault(spelling, op.name)
        _TABLE, _TABLE_KEY = table, key
    return _TABLE


def print_name(op_name: str) -> str:
    """How a formula writes an op as a function: its Leibniz head, else its first alias, else snake case."""
    op = OPS[op_name]
    return leibniz_head(op) or (ALIASES.get(op_name) or (_snake(op_name),))[0]
