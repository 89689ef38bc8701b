"""The kinds of fact an op class states about itself (see `engine.registry.Op`), so no table elsewhere has to.

A new op fills these in on its class; `tests/test_op_facts.py` lists, for every op, the side tables that
cover it (exporters, importer, compiled fusions), so adding an op fails that test until someone decides.
"""
from __future__ import annotations

from enum import Enum
from typing import Callable, NamedTuple


class Role(Enum):
    """What a node is in a network: where its value comes from, and what it is for."""

    INPUT = "input"  # data fed in from outside (x, token ids)
    LABEL = "label"  # the true classes fed in beside the data (y)
    PARAMETER = "parameter"  # a stored value that training updates (θ, W, b)
    CONSTANT = "constant"  # a stored value that never changes
    COMPUTE = "compute"  # computed from its inputs
    LOSS = "loss"  # computed: the one number training makes smaller

    @property
    def fed(self) -> bool:
        """True for the roles whose value is fed with each run (Input, Label)."""
        return self in (Role.INPUT, Role.LABEL)

    @property
    def stored(self) -> bool:
        """True for the roles whose value the graph keeps (Parameter, Constant)."""
        return self in (Role.PARAMETER, Role.CONSTANT)

    @property
    def computed(self) -> bool:
        """True for the roles whose value an op computes from its inputs."""
        return self in (Role.COMPUTE, Role.LOSS)


class OutputKind(Enum):
    """What the numbers of an op's output mean, beyond their shape."""

    VALUE = "value"  # plain numbers
    DISTRIBUTION = "distribution"  # non-negative, summing to 1 along an axis (softmax): drawn as bars
    PROBABILITY = "probability"  # each entry in [0, 1] on its own (σ): a probability when it is the output
    LOG_DISTRIBUTION = "log distribution"  # the log of a distribution (log-softmax)
    CLASS_IDS = "class ids"  # one integer class per example (a Label)
    TOKEN_IDS = "token ids"  # integer token ids, 0 = padding (an int Input)
    COUNTS = "counts"  # how often each word or bigram occurs (bag of words)

    @property
    def probabilities(self) -> bool:
        """True if the output can be read as class probabilities as it is (softmax, or σ of one score)."""
        return self in (OutputKind.DISTRIBUTION, OutputKind.PROBABILITY)

    @property
    def ids(self) -> bool:
        """True for integer ids (classes or tokens), which carry no gradient and are shown as words."""
        return self in (OutputKind.CLASS_IDS, OutputKind.TOKEN_IDS)


class Positions(Enum):
    """How an op's output relates to the word positions of a text (the axis −2 of a sequence of vectors)."""

    NONE = "none"  # no positions axis in the output (a max over time, a sum, a bag of words)
    TOKENS = "tokens"  # output position i is token i of the integer ids input (an Embedding)
    WINDOWS = "windows"  # output position i reads input positions i … i + window_width() − 1 (Window, SeqConv)
    KEEP = "keep"  # output position i comes from position i of an input shaped like it (elementwise, x·W)


class ScalarRule(NamedTuple):
    """An op on single Python floats, for the compiled scalar path (engine/compiled/scalar.py).

    `forward(*xs)` gives the output; `vjp(g, *xs, out)` gives one gradient per input, g times the local
    derivative. Both mirror the op's numpy formulas; where numpy would quietly give inf or nan the math
    module raises instead (the caller then reruns the step on arrays, so results never differ).
    """

    forward: Callable[..., float]
    vjp: Callable[..., tuple[float, ...]]
