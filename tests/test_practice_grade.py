"""Attempts and grading: the graph's hash, sealed attempt files, and `main.py grade` on a folder of them."""
import csv
import io
import json

import numpy as np
import pytest

from engine.examples.small import chain_rule
from engine.practice import PracticeSession, graph_hash, make_record, prepare, read_attempt, write_attempt
from engine.practice.section import DEFAULT_SPEC, PracticeSpec
from engine.serialization import load_graph, save_graph
from graphviz_app.cli import main

SECTION = {"ask": [{"kind": "product"}, {"kind": "update"}], "tries": 2}


def practised_graph():
    g = chain_rule()
    g.meta["practice"] = json.loads(json.dumps(SECTION))
    return g


def test_the_hash_survives_a_save_and_load_and_ignores_layout(tmp_path):
    g = practised_graph()
    before = prepare(g).graph_hash
    save_graph(g, tmp_path / "g.json")
    loaded = load_graph(tmp_path / "g.json")
    assert prepare(loaded).graph_hash == before
    loaded.move(loaded.find("a").id, (999.0, -5.0))
    loaded.meta["view"] = {"zoom": 2.0, "center": [1.0, 2.0]}
    loaded.meta["title"] = "another title"
    assert prepare(loaded).graph_hash == before


@pytest.mark.parametrize("change", [
    lambda g: g.set_value(g.find("w").id, np.array(2.5)),
    lambda g: g.meta["sample"].update(x=4.0),
    lambda g: g.meta["practice"].update(tries=3),
    lambda g: g.meta["training"].update(lr=0.2),
    lambda g: g.rename(g.find("a").id, "z"),
    lambda g: g.set_attr(g.find("w").id, "scale", 3.0),
])
def test_the_hash_changes_with_anything_the_answers_depend_on(change):
    g = practised_graph()
    before = prepare(g).graph_hash
    change(g)
    assert prepare(g).graph_hash != before


def test_the_hash_is_the_same_for_float32_and_float64_values():
    g, h = practised_graph(), practised_graph()
    h.set_value(h.find("w").id, np.asarray(2.0, dtype=np.float32))
    spec = PracticeSpec(DEFAULT_SPEC.ask)
    assert graph_hash(g, spec) == graph_hash(h, spec)


def answer(practice, texts, student="Ada", clock_step=4.0):
    """A session answered with `texts` (one list of tries per question), sealed as a record."""
    now = [0.0]
    session = PracticeSession(practice.questions, practice.spec, lambda: now[0])
    for k, tries in enumerate(texts):
        session.go(k)
        for text in tries:
            now[0] += clock_step
            session.submit(text)
    return make_record(session, student, practice.graph_hash, "practice.json", practice.title)


def test_an_attempt_records_answers_verdicts_tries_time_and_the_graphs_hash(tmp_path):
    practice = prepare(practised_graph())
    record = answer(practice, [["0.2", "1/6"], ["0.5"], [], ["1.9", "1.8"]])
    write_attempt(record, tmp_path / "ada.json")
    attempt = read_attempt(tmp_path / "ada.json")
    assert attempt.tampered is None and attempt.student == "Ada" and attempt.graph_hash == practice.graph_hash
    q = attempt.questions
    assert [e["answers"] for e in q] == [["0.2", "1/6"], ["0.5"], [], ["1.9", "1.8"]]
    assert [e["right"] for e in q] == [True, True, False, False]
    assert [e["first_try"] for e in q] == [False, True, False, False]
    assert [e["tries"] for e in q] == [2, 1, 0, 2]
    assert q[0]["seconds"] == pytest.approx(8.0) and attempt.record["seconds"] == pytest.approx(20.0)
    assert attempt.record["score"] == {"questions": 4, "right": 2, "first_try": 1, "hints": 0, "skipped": 0}


def make_folder(tmp_path):
    """The lecturer's graph, and a folder of attempts: two sound, three tampered with, two that are not attempts."""
    save_graph(practised_graph(), tmp_path / "practice.json")
    practice = prepare(load_graph(tmp_path / "practice.json"))
    folder = tmp_path / "attempts"
    folder.mkdir()
    write_attempt(answer(practice, [["1/6"], ["0.5"], ["1/3"], ["1.95"]], "Ada"), folder / "ada.json")
    write_attempt(answer(practice, [["0.1"], ["0.5"], [], []], "Bo"), folder / "bo.json")
    edited = answer(practice, [["0.1", "0.2"], ["0.5"], ["1/3"], ["1.95"]], "Cy")
    edited["questions"][0]["right"] = True  # edited by hand: the seal no longer matches
    (folder / "cy.json").write_text(json.dumps(edited), encoding="utf-8")
    resealed = answer(practice, [["0.9"], ["0.5"], ["1/3"], ["1.95"]], "Di")
    resealed["questions"][0]["right"] = resealed["questions"][0]["first_try"] = True
    resealed["score"] = {"questions": 4, "right": 4, "first_try": 4, "hints": 0, "skipped": 0}
    from engine.practice.attempt import seal
    resealed["seal"] = seal(resealed)  # a careful forger: only judging the answers again finds it
    (folder / "di.json").write_text(json.dumps(resealed), encoding="utf-8")
    other = chain_rule()
    other.meta["practice"] = {"ask": [{"kind": "product"}, {"kind": "update"}], "tries": 5}
    write_attempt(answer(prepare(other), [["1/6"], ["0.5"], ["1/3"], ["1.95"]], "Ed"), folder / "ed.json")
    (folder / "fay.json").write_text("{\"format\": \"computation-graph-explorer-attempt\", ", encoding="utf-8")
    save_graph(chain_rule(), folder / "graph-not-an-attempt.json")
    (folder / "notes.txt").write_text("not graded", encoding="utf-8")
    return folder


def test_grade_totals_a_folder_and_reports_each_tampered_or_unreadable_file(tmp_path, capsys):
    folder = make_folder(tmp_path)
    code = main(["grade", str(folder), "--graph", str(tmp_path / "practice.json"), "--out", str(tmp_path / "t.csv")])
    out, err = capsys.readouterr()
    assert code == 1
    problems = err.strip().splitlines()
    assert problems == [
        f"tampered: {folder / 'cy.json'}: the record was changed after it was saved (its seal does not match)",
        f"tampered: {folder / 'di.json'}: questions[0] (∂L/∂a = ∂b/∂a · ∂L/∂b = ?) is marked right, but its answer "
        "is not",
        f"tampered: {folder / 'ed.json'}: it was made on another graph than the ones given (its graph hash differs)",
        f"unreadable: {folder / 'fay.json'}: not valid JSON at line 1 column 50",
        f"unreadable: {folder / 'graph-not-an-attempt.json'}: format: this is not an attempt file "
        "(expected \"format\": \"computation-graph-explorer-attempt\")",
    ]
    assert "ada.json: Ada: 4 of 4 right (4 at the first try)" in out
    assert "7 attempts: 2 sound, 3 tampered, 2 unreadable" in out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"))))
    ada = [r for r in rows if r["student"] == "Ada"]
    assert [r["question"] for r in ada] == ["1", "2", "3", "4", "total"]
    assert ada[-1]["right"] == "4" and ada[-1]["prompt"] == "4 of 4 right"
    bo = [r for r in rows if r["student"] == "Bo"]
    assert [r["right"] for r in bo] == ["0", "1", "0", "0", "1"]
    assert bo[0]["answers"] == "0.1" and bo[0]["tries"] == "1"
    assert [r["status"] for r in rows if r["student"] in ("Cy", "Di", "Ed")] == ["tampered"] * 3
    assert sum(r["status"] == "unreadable" for r in rows) == 2


def test_without_the_graph_only_the_seal_is_checked_and_the_table_goes_to_stdout(tmp_path, capsys):
    folder = make_folder(tmp_path)
    code = main(["grade", str(folder / "ada.json"), str(folder / "di.json")])
    out, err = capsys.readouterr()
    assert code == 0 and err.strip() == "2 attempts: 2 sound, 0 tampered, 0 unreadable"
    assert out.startswith("student,attempt,graph,status,question,")


@pytest.mark.parametrize("write", [
    lambda path: path.write_text(json.dumps({"format": "computation-graph-explorer"}), encoding="utf-8"),
    lambda path: save_graph(_unrunnable(), path),
])
def test_a_graph_that_cannot_be_practised_is_named_with_its_file(tmp_path, capsys, write):
    write(tmp_path / "bad.json")
    code = main(["grade", str(tmp_path), "--graph", str(tmp_path / "bad.json")])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith(f"error: {tmp_path / 'bad.json'}: ") and "Traceback" not in err


def _unrunnable():
    g = chain_rule()
    g.disconnect(next(e.id for e in g.edges.values() if e.dst == g.find("b").id))
    return g


def test_a_name_or_answer_that_looks_like_a_formula_is_quoted_in_the_table(tmp_path, capsys):
    practice = prepare(practised_graph())
    write_attempt(answer(practice, [["=0.1667"], ["-0.5"], [], []], "=HYPERLINK(\"http://x\")"), tmp_path / "a.json")
    assert main(["grade", str(tmp_path / "a.json"), "--out", str(tmp_path / "t.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["student"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["answers"] == "'=0.1667" and rows[0]["right"] == "1"
    assert rows[1]["answers"] == "-0.5"  # a plain number stays as it is
