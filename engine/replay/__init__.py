"""Replaying a trace for people: the state after step k, labels and captions in the slides' notation,
max-pool winners, token ids read back as words, and the examples that flow through explain mode.

Everything here is Qt-free, so the canvas, `main.py render`, the exporters and scripts say the same thing.
"""
