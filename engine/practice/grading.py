"""Grading a course's attempt files: a row per student and question, totals, and what cannot be trusted."""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .answers import AnswerError, parse_answer
from .attempt import Attempt, AttemptError, read_attempt
from .prepare import Practice

COLUMNS = ("student", "attempt", "graph", "status", "question", "id", "kind", "prompt", "answers", "right",
           "first_try", "tries", "hint", "skipped", "seconds", "note")
MAX_FILES = 100_000


@dataclass
class Report:
    """The table of a grading run and one line per attempt that is tampered with or unreadable."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "tampered": 0, "unreadable": 0})

    def csv_text(self) -> str:
        """The rows as CSV text (a header line first); text a spreadsheet would run as a formula is quoted."""
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: _cell(value) for key, value in row.items()} for row in self.rows)
        return out.getvalue()


def _cell(value: Any) -> Any:
    """A text that starts like a formula (=, +, −, @) gets a leading ' unless it is a plain number: a name or
    an answer typed by a student must not run in the lecturer's spreadsheet."""
    if not isinstance(value, str) or not value or value[0] not in "=+-@\t\r":
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def attempt_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files to grade: each file named, and the .json files directly inside each folder named (sorted)."""
    out: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            out.extend(sorted(p for p in item.iterdir() if p.suffix.lower() == ".json" and p.is_file()))
        else:
            out.append(item)
        if len(out) > MAX_FILES:
            raise AttemptError(f"more than {MAX_FILES} attempt files; grade them in parts")
    return out


def _replay(attempt: Attempt, practice: Practice) -> str | None:
    """Why the recorded answers do not give the recorded verdicts on this graph, or None when they do."""
    ids = [q["id"] for q in attempt.questions]
    if ids != [q.id for q in practice.questions]:
        return "its questions are not the ones this graph asks"
    for k, entry in enumerate(attempt.questions):
        question = practice.questions[k]
        verdicts = []
        for answer in entry["answers"]:
            try:
                verdicts.append(question.check(parse_answer(answer), practice.spec.tolerance))
            except AnswerError:
                return f"questions[{k}]: the answer {answer!r:.40} cannot be read, so it was never judged"
        if any(not v.counts for v in verdicts) or any(v.right for v in verdicts[:-1]):
            return f"questions[{k}]: its answers could not have been recorded this way"
        right = bool(verdicts) and verdicts[-1].right
        if right != entry["right"]:
            marked = "right" if entry["right"] else "wrong"
            return f"questions[{k}] ({entry['prompt']}) is marked {marked}, but its answer is not"
    return None


def _question_row(base: dict[str, Any], k: int, entry: dict[str, Any]) -> dict[str, Any]:
    return {**base, "question": k + 1, "id": entry["id"], "kind": entry["kind"], "prompt": entry["prompt"],
            "answers": " | ".join(entry["answers"]), "right": int(entry["right"]),
            "first_try": int(entry["first_try"]), "tries": entry["tries"], "hint": int(entry["hint"]),
            "skipped": int(entry["skipped"]), "seconds": entry["seconds"]}


def _total_row(base: dict[str, Any], attempt: Attempt) -> dict[str, Any]:
    score, questions = attempt.record["score"], attempt.questions
    return {**base, "question": "total", "prompt": f"{score['right']} of {score['questions']} right",
            "right": score["right"], "first_try": score["first_try"], "tries": sum(q["tries"] for q in questions),
            "hint": score["hints"], "skipped": score["skipped"], "seconds": attempt.record["seconds"]}


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _grade_one(report: Report, attempt: Attempt, practices: dict[str, Practice], given: bool) -> None:
    reason = attempt.tampered
    if reason is None and given:
        practice = practices.get(attempt.graph_hash)
        reason = "it was made on another graph than the ones given (its graph hash differs)" if practice is None \
            else _replay(attempt, practice)
    base = {"student": attempt.student, "attempt": attempt.path, "graph": attempt.record["graph"]["title"],
            "status": "ok" if reason is None else "tampered"}
    if reason is not None:
        report.counts["tampered"] += 1
        report.problems.append(f"tampered: {attempt.path}: {reason}")
        report.rows.append({**base, "note": reason})
        return
    report.counts["ok"] += 1
    report.rows.extend(_question_row(base, k, q) for k, q in enumerate(attempt.questions))
    report.rows.append(_total_row(base, attempt))
    score = attempt.record["score"]
    report.summaries.append(f"{attempt.path}: {attempt.student or '(no name)'}: {score['right']} of "
                            f"{score['questions']} right ({score['first_try']} at the first try), "
                            f"{_minutes(attempt.record['seconds'])}")


def grade(paths: Iterable[str | os.PathLike], practices: Iterable[Practice] = ()) -> Report:
    """Read every attempt; with `practices` (from the lecturer's graph files) each answer is judged again."""
    by_hash = {p.graph_hash: p for p in practices}
    report = Report()
    for path in attempt_files(paths):
        try:
            attempt = read_attempt(path)
        except AttemptError as exc:
            report.counts["unreadable"] += 1
            report.problems.append(f"unreadable: {exc}")
            report.rows.append({"attempt": str(path), "status": "unreadable", "note": str(exc)})
            continue
        _grade_one(report, attempt, by_hash, bool(by_hash))
    return report
