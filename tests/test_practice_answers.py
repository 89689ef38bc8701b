"""Typed answers: the forms students write, clear located errors, the tolerance at its edges, near misses."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.practice import AnswerError, Tolerance, check_answer, format_answer, parse_answer
from engine.practice.checking import form_text

TOL = Tolerance()


@pytest.mark.parametrize("text, value", [
    ("0.1667", 0.1667), ("1/6", 1 / 6), ("-3e-2", -0.03), ("−0.5", -0.5), ("–0.5", -0.5), (".5", 0.5),
    ("+2", 2.0), ("  7  ", 7.0), ("= 0.5", 0.5), ("-1/6", -1 / 6), ("1/−6", -1 / 6), ("3E2", 300.0),
    ("3·10⁻²", 0.03), ("3×10^-2", 0.03), ("3 * 10^(-2)", 0.03), ("2·10³", 2000.0), ("5*10**-1", 0.5),
])
def test_numbers_in_the_forms_students_type(text, value):
    assert parse_answer(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text, value", [
    ("[1, 2]", [1, 2]), ("[1 2 -3]", [1, 2, -3]), ("(1, 2)", [1, 2]), ("[1/2, −0.25]", [0.5, -0.25]),
    ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]), ("[1, 2; 3, 4]", [[1, 2], [3, 4]]), ("[1,2,]", [1, 2]),
])
def test_vectors_and_matrices_in_brackets(text, value):
    assert parse_answer(text).tolist() == value


@pytest.mark.parametrize("text, words", [
    ("", "type an answer"), ("   ", "type an answer"), ("abc", "character 1: cannot read 'a'"),
    ("0,5", "use a point for decimals (0.5)"), ("1 2", "put a vector in brackets"),
    ("[1, 2", "'[' is never closed"), ("[1, 2)", "')' closes '['"), ("1/0", "division by zero"),
    ("1e999", "too large"), ("--2", "two signs in a row"), ("[]", "the brackets are empty"),
    ("[[1, 2], [3]]", "different lengths"), ("[[[[1]]]]", "nested more than 3 deep"), ("3e", "cannot read 'e'"),
    ("1" * 3000, "at most 2000"), ("2 + 3", "more than one number"), ("nan", "cannot read 'n'"),
    ("∞", "cannot read '∞'"), ("[1, 2] 3", "more than one number"),
])
def test_what_cannot_be_read_is_said_with_where(text, words):
    with pytest.raises(AnswerError) as err:
        parse_answer(text)
    assert words in str(err.value)


ANSWER_CHARS = "0123456789.,;/+-−–eE·×*^()[]   ⁻²³10"


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(alphabet=ANSWER_CHARS, max_size=40), st.text(max_size=40)))
def test_parsing_never_raises_anything_but_a_clear_answer_error(text):
    try:
        value = parse_answer(text)
    except AnswerError as exc:
        message = str(exc)
        assert message and "Traceback" not in message and "numpy" not in message and "Errno" not in message
        return
    assert np.all(np.isfinite(value)) and 0 < value.size <= 400


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6), st.booleans())
def test_a_written_answer_reads_back_within_the_tolerance(values, scalar):
    value = np.asarray(values[0] if scalar else values)
    verdict = check_answer(parse_answer(format_answer(value)), value, TOL)
    assert verdict.right, (format_answer(value), verdict.message)


@pytest.mark.parametrize("typed, right", [
    ("0.1667", True), ("0.16667", True), ("1/6", True), ("0.1666", True),  # within 1e-3 relative
    ("0.1665", True), ("0.1664", False), ("0.167", False), ("0.17", False),  # 0.167 is off by 2e-3
])
def test_relative_tolerance_edges_at_one_sixth(typed, right):
    assert check_answer(parse_answer(typed), np.array(1 / 6), TOL).right is right


def test_four_significant_digits_are_enough_when_the_relative_tolerance_is_stricter():
    strict = Tolerance(relative=1e-6, digits=4)
    assert check_answer(parse_answer("0.1667"), np.array(1 / 6), strict).right
    assert not check_answer(parse_answer("0.1668"), np.array(1 / 6), strict).right
    assert check_answer(parse_answer("1.235e-7"), np.array(1.23456e-7), strict).right


def test_zero_is_right_for_a_value_that_is_zero_up_to_rounding_only():
    assert check_answer(parse_answer("0"), np.array(3e-17), TOL).right
    assert check_answer(parse_answer("0"), np.array(0.0), TOL).right
    assert not check_answer(parse_answer("0"), np.array(1e-4), TOL).right
    assert not check_answer(parse_answer("0.001"), np.array(0.0), TOL).right


def test_vector_verdict_names_the_entries_that_are_off():
    verdict = check_answer(parse_answer("[1, 2.5, 3]"), np.array([[1.0, 2.0, 3.0]]), TOL)
    assert not verdict.right and verdict.counts
    assert "entry 2 of 3 is off" in verdict.message


def test_the_wrong_number_of_entries_is_a_form_mistake_that_uses_no_try():
    verdict = check_answer(parse_answer("[1, 2]"), np.array([1.0, 2.0, 3.0]), TOL)
    assert verdict.outcome == "form" and not verdict.counts
    assert "expected 3 numbers in brackets" in verdict.message and "you typed 2 numbers" in verdict.message
    assert check_answer(parse_answer("5"), np.ones((2, 2)), TOL).outcome == "form"


def test_a_matrix_is_typed_row_by_row_and_a_transposed_one_is_not_accepted():
    expected = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert check_answer(parse_answer("[[1, 2, 3], [4, 5, 6]]"), expected, TOL).right
    assert check_answer(parse_answer("[1, 2, 3, 4, 5, 6]"), expected, TOL).right
    assert check_answer(parse_answer("[[1, 4], [2, 5], [3, 6]]"), expected, TOL).outcome == "form"


def test_a_diagonal_jacobian_may_be_typed_as_its_diagonal():
    jacobian = np.diag([0.25, 0.5])
    assert check_answer(parse_answer("[0.25, 0.5]"), jacobian, TOL, diagonal=True).right
    assert check_answer(parse_answer("[[0.25, 0], [0, 0.5]]"), jacobian, TOL, diagonal=True).right
    assert check_answer(parse_answer("[0.25, 0.5]"), jacobian, TOL, diagonal=False).outcome == "form"
    assert "or just its diagonal" in form_text(jacobian, diagonal=True)


def test_near_misses_are_named():
    assert "check the sign" in check_answer(parse_answer("-0.5"), np.array(0.5), TOL).message
    assert "factor of 10^1" in check_answer(parse_answer("1.667"), np.array(1 / 6), TOL).message
    others = {"the upstream ∂L/∂b": np.array(1.0)}
    assert check_answer(parse_answer("1"), np.array(1 / 6), TOL, others=others).message == "that is the upstream ∂L/∂b"


def test_answers_are_written_as_they_would_be_typed():
    assert format_answer(np.array(-1 / 6)) == "−0.1667"
    assert format_answer(np.array([[1.0, 0.0], [0.0, 2.5]])) == "[[1, 0], [0, 2.5]]"
