"""Computation Graph Explorer's command line: `python main.py [FILE]` (or `python -m graphviz_app [FILE]`, or
the installed `graph-explorer [FILE]`) opens the app; subcommands work headless, without loading Qt."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# subcommand -> module with add_arguments(parser) and run(args) -> int; GUI ones import Qt lazily
COMMANDS = {
    "check": "engine.cli.check",
    "train": "engine.cli.train",
    "predict": "engine.cli.predict",
    "export": "graphviz_app.export_cli",
    "new": "engine.cli.new",
    "render": "graphviz_app.render_cli",
}


def _program_name() -> str:
    """How the user started us, for the usage line: main.py, graph-explorer, or python -m graphviz_app."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "main.py"
    return "python -m graphviz_app" if name == "__main__.py" else name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program_name(), description="Computation Graph Explorer. Without a command, opens the app.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)  # a command that cannot load is a bug: let it show
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

