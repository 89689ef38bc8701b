"""`python -m engine.examples [NAME ...]`: rebuild the example files in assets/graphs/."""
from __future__ import annotations

import sys

from . import EXAMPLES, write_examples


def main(argv: list[str]) -> int:
    """Write the named examples (all by default) and list the files."""
    unknown = [n for n in argv if n not in EXAMPLES]
    if unknown:
        print(f"error: unknown example {unknown[0]!r} (examples: {', '.join(EXAMPLES)})", file=sys.stderr)
        return 2
    for path in write_examples(names=tuple(argv) or EXAMPLES):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
