"""Attempt files: one student's answers as a small sealed JSON, and reading them back for grading.

The seal is the sha256 of the record's canonical JSON without the seal: a record edited by hand no longer
matches it. `graph.hash` names the graph that was practised (engine.practice.fingerprint).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EngineError
from ..fileformat.checks import expect_dict, expect_int, expect_keys, expect_list, expect_number, expect_str, fail
from ..fileformat.errors import FileFormatError
from .fingerprint import HASH_PREFIX, sha256_of
from .session import PracticeSession

FORMAT = "computation-graph-explorer-attempt"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
MAX_ANSWERS = 500
QUESTION_KEYS = ("id", "kind", "prompt", "answers", "tries", "right", "first_try", "hint", "skipped", "seconds")
SCORE_KEYS = ("questions", "right", "first_try", "hints", "skipped")


class AttemptError(EngineError, ValueError):
    """An attempt file cannot be read; the message says where in it the problem is."""


def now_text() -> str:
    """The time now, in UTC, as ISO 8601 text (how attempts record when they started and were saved)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _question_entry(session: PracticeSession, k: int) -> dict[str, Any]:
    question, state = session.questions[k], session.states[k]
    return {"id": question.id, "kind": question.kind, "prompt": question.prompt, "answers": list(state.answers),
            "tries": state.tries, "right": state.right, "first_try": state.first_try, "hint": state.hint,
            "skipped": state.skipped and not state.done, "seconds": round(state.seconds, 1)}


def score_of(questions: list[dict[str, Any]]) -> dict[str, int]:
    """The score block that belongs to these question entries."""
    return {"questions": len(questions), "right": sum(q["right"] for q in questions),
            "first_try": sum(q["first_try"] for q in questions), "hints": sum(q["hint"] for q in questions),
            "skipped": sum(q["skipped"] for q in questions)}


def seal(record: dict[str, Any]) -> str:
    """The seal of a record: the hash of everything in it but the seal."""
    return sha256_of({k: v for k, v in record.items() if k != "seal"})


def make_record(session: PracticeSession, student: str, graph_hash: str, graph_file: str = "",
                title: str = "", started: str | None = None) -> dict[str, Any]:
    """The attempt of one session as a sealed, JSON-ready dict."""
    questions = [_question_entry(session, k) for k in range(len(session.questions))]
    record: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "student": student.strip(),
        "graph": {"file": graph_file, "title": title, "hash": graph_hash},
        "started": started or now_text(), "saved": now_text(), "seconds": round(session.elapsed(), 1),
        "tries_allowed": session.spec.tries, "questions": questions, "score": score_of(questions),
    }
    record["seal"] = seal(record)
    return record


def write_attempt(record: dict[str, Any], path: str | os.PathLike) -> None:
    """Save an attempt (atomically; an older file of that name is kept as .bak)."""
    from ..fileformat.files import write_text_atomic

    write_text_atomic(path, json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False) + "\n")


@dataclass
class Attempt:
    """An attempt read back: the record, and why it cannot be trusted (None when its seal holds)."""

    path: str
    record: dict[str, Any]
    tampered: str | None = None

    @property
    def student(self) -> str:
        """The name the student typed."""
        return self.record["student"]

    @property
    def graph_hash(self) -> str:
        """The hash of the graph that was practised."""
        return self.record["graph"]["hash"]

    @property
    def questions(self) -> list[dict[str, Any]]:
        """One entry per question."""
        return self.record["questions"]


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise fail(where, f"expected true or false, got {json.dumps(value)[:40]}")
    return value


def _check_question(entry: Any, where: str) -> None:
    expect_dict(entry, where)
    expect_keys(entry, where, QUESTION_KEYS)
    expect_str(entry["id"], f"{where}.id", 200, empty=False)
    expect_str(entry["kind"], f"{where}.kind", 20, empty=False)
    expect_str(entry["prompt"], f"{where}.prompt", 1000)
    for j, answer in enumerate(expect_list(entry["answers"], f"{where}.answers", MAX_ANSWERS)):
        expect_str(answer, f"{where}.answers[{j}]", 2000)
    expect_int(entry["tries"], f"{where}.tries", 0, MAX_ANSWERS)
    for key in ("right", "first_try", "hint", "skipped"):
        _flag(entry[key], f"{where}.{key}")
    expect_number(entry["seconds"], f"{where}.seconds", 0.0, 1e9)


def check_record(record: Any) -> dict[str, Any]:
    """The record if it has every field an attempt needs (AttemptError names the first that is wrong)."""
    try:
        expect_dict(record, "file")
        if record.get("format") != FORMAT:
            raise fail("format", f"this is not an attempt file (expected \"format\": \"{FORMAT}\")")
        expect_keys(record, "file", ("format", "version", "student", "graph", "started", "saved", "seconds",
                                     "tries_allowed", "questions", "score", "seal"))
        if record["version"] != VERSION:
            raise fail("version", f"this app reads attempt files of version {VERSION}")
        expect_str(record["student"], "student", 200)
        graph = expect_dict(record["graph"], "graph")
        expect_keys(graph, "graph", ("file", "title", "hash"))
        for key in ("file", "title", "hash"):
            expect_str(graph[key], f"graph.{key}", 1000)
        for key in ("started", "saved", "seal"):
            expect_str(record[key], key, 200)
        expect_number(record["seconds"], "seconds", 0.0, 1e9)
        expect_int(record["tries_allowed"], "tries_allowed", 0, MAX_ANSWERS)
        for k, entry in enumerate(expect_list(record["questions"], "questions", MAX_QUESTIONS)):
            _check_question(entry, f"questions[{k}]")
        expect_dict(record["score"], "score")
    except FileFormatError as exc:
        raise AttemptError(str(exc)) from None
    return record


def _tampering(record: dict[str, Any]) -> str | None:
    """Why a well-formed record cannot be trusted, or None."""
    if not record["seal"].startswith(HASH_PREFIX) or record["seal"] != seal(record):
        return "the record was changed after it was saved (its seal does not match)"
    if record["score"] != score_of(record["questions"]):
        return "its score does not add up from its answers"
    for k, q in enumerate(record["questions"]):
        if q["tries"] != len(q["answers"]) or q["first_try"] and not (q["right"] and q["tries"] == 1):
            return f"questions[{k}]: its tries do not match its answers"
    return None


def read_attempt(path: str | os.PathLike) -> Attempt:
    """Read and check one attempt file; AttemptError when it cannot be read, `tampered` when it is not sound."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise AttemptError(f"{path}: larger than {MAX_BYTES // 2**20} MB; not an attempt file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AttemptError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise AttemptError(f"{path}: not UTF-8 text; not an attempt file") from None
    except OSError as exc:
        raise AttemptError(f"{path}: cannot read it ({exc.strerror or 'unreadable'})") from None
    try:
        record = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise AttemptError(f"{path}: not valid JSON{where}") from None
    try:
        check_record(record)
    except AttemptError as exc:
        raise AttemptError(f"{path}: {exc}") from None
    return Attempt(str(path), record, _tampering(record))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
