"""Computation Graph Explorer: `python main.py [FILE]` opens the app; subcommands work headless."""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module with add_arguments(parser) and run(args) -> int; GUI ones import Qt lazily
COMMANDS = {
    "check": "engine.cli.check",
    "train": "engine.cli.train",
    "predict": "engine.cli.predict",
    "export": "engine.cli.export",
    "render": "graphviz_app.render_cli",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py", description="Computation Graph Explorer. Without a command, opens the app.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # a command whose module is not there yet is simply not offered
        module.add_arguments(sub.add_parser(name, help=module.__doc__.strip().splitlines()[0]))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a headless command, or open the GUI on FILE (default: the headline classifier)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        from graphviz_app.app import run_app

        return run_app(argv[0] if argv else None)
    args = _parser().parse_args(argv)
    from engine.errors import EngineError
    from engine.names import printable

    try:
        return importlib.import_module(COMMANDS[args.command]).run(args)
    except (EngineError, OSError, ValueError) as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)  # one line, whatever text it quotes
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
