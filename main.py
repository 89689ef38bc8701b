"""Computation Graph Explorer: `python main.py [FILE]` opens the app; `python main.py --help` lists the commands."""
import sys

from graphviz_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
