"""engine.replay.schedule: each step's pulse frames, then its result held; the GIF's times add up."""
import pytest

from engine.replay.schedule import END_SECONDS, centiseconds, frame_count, schedule, step_shots


def test_a_step_is_a_moving_pulse_while_the_camera_arrives_then_its_result_held():
    shots = step_shots(4, fps=10, seconds_per_step=2.0)
    pulse, result = shots[:-1], shots[-1]
    assert [s.pulse for s in pulse] == pytest.approx([i / 6 for i in range(6)])
    assert pulse[-1].camera == 1.0 and pulse[0].camera < 0.5  # the camera moves during the pulse
    assert result.pulse is None and result.frames == 14 and all(s.step == 4 for s in shots)
    assert frame_count(shots) == 20  # 2 s at 10 frames a second


def test_the_first_step_shown_starts_with_the_camera_already_there():
    assert all(s.camera == 1.0 for s in step_shots(0, fps=10, first=True))


def test_a_schedule_covers_the_steps_asked_for_and_holds_the_last_one_longer():
    shots = schedule(3, 9, fps=12, seconds_per_step=1.5)
    assert sorted({s.step for s in shots}) == list(range(3, 10))
    assert [s.step for s in shots if s.pulse is None] == list(range(3, 10))
    assert frame_count(shots) == 7 * 18 + END_SECONDS * 12


def test_gif_times_in_hundredths_add_up_to_the_whole_animation_at_any_frame_rate():
    fps, counts = 12, [1, 1, 3, 17, 1, 2, 40]
    starts = [sum(counts[:i]) for i in range(len(counts))]
    total = sum(centiseconds(s, n, fps) for s, n in zip(starts, counts))
    assert total == round(sum(counts) * 100 / fps)


@pytest.mark.parametrize("fps, seconds, message", [(0.5, 2, "--fps"), (60, 2, "--fps"),
                                                    (10, 0.1, "--seconds-per-step"), (10, 60, "--seconds-per-step")])
def test_frame_rates_and_step_times_out_of_range_are_refused_in_words(fps, seconds, message):
    with pytest.raises(ValueError, match=message):
        step_shots(0, fps, seconds)


def test_an_empty_range_is_refused():
    with pytest.raises(ValueError, match="at least one step"):
        schedule(5, 4, fps=10)
