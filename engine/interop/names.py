"""Turning node names such as θᵀb or ∂L/∂W into Python identifiers or LaTeX."""
from __future__ import annotations

import keyword
import re
import unicodedata

from ..names import printable

# Letters and signs of the slides' notation, as LaTeX math; anything else non-ASCII is spelled out.
LATEX_SYMBOLS = {
    "θ": r"\theta", "σ": r"\sigma", "∂": r"\partial", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma",
    "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi",
    "φ": r"\phi", "ψ": r"\psi", "ω": r"\omega", "Θ": r"\Theta", "Σ": r"\Sigma", "Δ": r"\Delta",
    "∇": r"\nabla", "·": r"\cdot", "×": r"\times", "−": "-", "ᵀ": r"^{\top}", "²": "^{2}", "³": "^{3}",
    "ᵢ": "_{i}", "ⱼ": "_{j}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "ŷ": r"\hat{y}",
    "≤": r"\leq", "≥": r"\geq", "→": r"\to", "∑": r"\sum", "√": r"\sqrt{}", "…": r"\ldots",
    "ℝ": r"\mathbb{R}", "⊙": r"\odot", "ₜ": "_{t}", "ᵏ": "^{k}", "ⁿ": "^{n}",
}
LATEX_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def latex(text: str) -> str:
    """Text safe inside a LaTeX text-mode node: specials escaped, Greek and math signs as $…$."""
    out = []
    for ch in printable(text):  # a control character would end a line or a paragraph, or not compile
        if ch in LATEX_TEXT_ESCAPES:
            out.append(LATEX_TEXT_ESCAPES[ch])
        elif ch in LATEX_SYMBOLS:
            out.append(f"${LATEX_SYMBOLS[ch]}$")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_ascii_fallback(ch))
    return "".join(out).replace("$$", "")


def _ascii_fallback(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return LATEX_TEXT_ESCAPES.get(base, base) if base else "?"


def identifier(name: str, taken: set[str] | None = None) -> str:
    """An ASCII Python identifier for a node name (θᵀb → theta_T_b), unique within `taken` (which grows)."""
    words = []
    for ch in unicodedata.normalize("NFKC", name):
        if ch.isascii():
            words.append(ch if ch.isalnum() else "_")
        else:
            words.append(f"_{_spell(ch)}_")
    text = re.sub(r"_+", "_", "".join(words)).strip("_") or "node"
    if text[0].isdigit():
        text = f"n{text}"
    if keyword.iskeyword(text) or text in ("self", "torch", "nn", "F", "np"):
        text += "_"
    if taken is not None:
        base, i = text, 2
        while text in taken:
            text, i = f"{base}_{i}", i + 1
        taken.add(text)
    return text


def _spell(ch: str) -> str:
    """A Greek letter by its name (θ → theta); other signs by their plain ASCII base, else their code."""
    try:
        uname = unicodedata.name(ch)
    except ValueError:
        return f"u{ord(ch):x}"
    if "GREEK" in uname and "LETTER" in uname:
        word = uname.split("LETTER")[-1].strip().split()[-1].lower()
        return word.capitalize() if "CAPITAL" in uname else word
    if ch in _SIGNS:
        return _SIGNS[ch]
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return base if base.isalnum() else f"u{ord(ch):x}"


_SIGNS = {"ŷ": "y_hat", "∂": "d", "·": "dot", "×": "x", "−": "minus", "Σ": "Sigma", "∑": "sum"}
