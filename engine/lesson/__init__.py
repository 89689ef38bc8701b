"""A lesson to take home: one self-contained HTML page that replays the explain trace of a graph.

`write_lesson(graph, choose_examples(graph, ["a headline=Business", ...]), "lesson.html")` writes the page;
`build_lesson` gives its data. Qt-free, like the rest of the engine.
"""
from .build import build_lesson
from .examples import Examples, LessonError, choose_examples, examples_of
from .page import render_page, write_lesson

__all__ = ["Examples", "LessonError", "build_lesson", "choose_examples", "examples_of", "render_page", "write_lesson"]
