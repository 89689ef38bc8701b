"""`python -m graphviz_app [FILE | COMMAND ...]`: the same as `python main.py`."""
import sys

from .cli import main

sys.exit(main())
