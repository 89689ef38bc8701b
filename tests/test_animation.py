"""`main.py render FILE --animate OUT.gif|OUT.mp4`: the explain trace filmed for slides, decoded back.

A "held frame" is a picture that stays on screen for at least HELD_S: each step's result is one (its pulse
frames are short). So the number of held frames is the number of steps filmed, and the held frame of step K
is what the film shows of step K.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL")
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = ROOT / "assets" / "graphs"
MLP, CHAIN = GRAPHS / "mlp.json", GRAPHS / "chain_rule.json"
HELD_S = 1.0  # the defaults hold each result 1.4 s; a pulse frame lasts 0.1 s
BUDGET = 8 * 2**20


def render(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "render", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def gif_frames(path: Path) -> list[tuple[np.ndarray, float]]:
    """Every frame of a GIF as RGB with its duration in seconds; consecutive equal frames merged."""
    out: list[tuple[np.ndarray, float]] = []
    with Image.open(path) as image:
        for i in range(image.n_frames):
            image.seek(i)
            rgb = np.asarray(image.convert("RGB"))
            seconds = image.info["duration"] / 1000
            if out and np.array_equal(out[-1][0], rgb):
                out[-1] = (out[-1][0], out[-1][1] + seconds)
            else:
                out.append((rgb, seconds))
    return out


def held(frames: list[tuple[np.ndarray, float]]) -> list[np.ndarray]:
    return [rgb for rgb, seconds in frames if seconds >= HELD_S]


def test_the_mlp_forward_and_backward_pass_as_a_1280x720_gif_holds_every_step_under_8_mb(tmp_path):
    out = tmp_path / "mlp.gif"
    done = render(str(MLP), "--animate", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size < BUDGET
    frames = gif_frames(out)
    assert frames[0][0].shape == (720, 1280, 3)
    assert len(held(frames)) == 24  # the MLP's trace: 12 forward steps, the seed, 11 backward
    assert "animating mlp.gif: 1" in done.stderr and "of 1" in done.stderr  # the progress line


def test_from_and_to_choose_the_steps_filmed(tmp_path):
    out = tmp_path / "part.gif"
    done = render(str(MLP), "--animate", str(out), "--from", "3", "--to", "9", "--width", "640")
    assert done.returncode == 0, done.stderr
    assert "steps 3 to 9" in done.stdout
    frames = held(gif_frames(out))
    assert len(frames) == 7
    assert len({f.tobytes() for f in frames}) == 7  # seven different pictures, not one repeated


def test_to_takes_a_phase_name(tmp_path):
    out = tmp_path / "forward.gif"
    done = render(str(CHAIN), "--animate", str(out), "--to", "forward", "--width", "640")
    assert done.returncode == 0, done.stderr
    assert len(held(gif_frames(out))) == 4  # x, w, a = w·x, L = log a


@pytest.mark.parametrize("args, message", [
    (["--animate", "x.avi"], "--animate: use a .gif or .mp4 file name, not 'x.avi'"),
    (["--animate", "x.gif", "--from", "7", "--to", "2"], "the first must not come after the last"),
    (["--animate", "x.gif", "--fps", "100"], "--fps: expected between 1 and 30"),
    (["--animate", "x.gif", "--aspect", "none"], "an animation needs a shape"),
    (["--out", "x.png", "--from", "2"], "--from chooses the steps of an animation: add --animate"),
])
def test_bad_animation_options_are_clear_errors_and_write_nothing(tmp_path, args, message):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "render", str(CHAIN), *args], cwd=tmp_path,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


# ----- in-process: the held frames against `render --step`, the MP4, a missing ffmpeg

@pytest.fixture(scope="module")
def mlp_film_parts():
    """The MLP, its trace as render explains it (the file's first example) and render's overlay options."""
    from engine.executor import explain
    from engine.replay.samples import file_feeds
    from engine.serialization import load_graph
    from graphviz_app.explain.overlay import options_for
    from graphviz_app.render import ensure_app

    ensure_app()
    graph = load_graph(MLP)
    return graph, explain(graph, file_feeds(graph)), options_for(graph)


def camera_picture_of_step(graph, trace, options, k, steps, path, size=(1280, 720)):
    """`render --step k` (the projector theme, the file's positions) of the scene rectangle the camera of a film
    of `steps` shows for step k, as many pixels wide as the film's graph area."""
    from graphviz_app.animation.film import TraceFilm, source_of
    from graphviz_app.render import render_to_file

    film = TraceFilm(graph, trace, options, size)
    film.keep_caption_room(steps)
    view = film.view_of(k)
    area = film.graph_area()
    render_to_file(graph, path, trace=trace, step=k, theme="projector", source_rect=source_of(view, area),
                   scale=film.zoom * view[1], options=options)
    return np.asarray(Image.open(path).convert("RGB")), round(area.height() * film.zoom)


def shrunk(rgb: np.ndarray, height: int) -> np.ndarray:
    """The top `height` rows (the graph, without the caption strip), shrunk to a quarter: what a downscaled
    comparison sees, free of single-pixel antialiasing and palette differences."""
    top = Image.fromarray(rgb[:height]).resize((rgb.shape[1] // 4, height // 4), Image.Resampling.BOX)
    return np.asarray(top, dtype=np.float64)


def test_the_first_and_last_held_frames_show_what_render_step_shows_of_those_steps(mlp_film_parts, tmp_path):
    """"Match" means: the graph part of the held frame of step K, shrunk to a quarter, differs from `render --step
    K` of the rectangle the camera shows by less than 3 grey levels on average (GIF colours and antialiasing),
    and is closer to it than to the picture of the step before or after."""
    from graphviz_app.animation.export import AnimationOptions, write_animation

    graph, trace, options = mlp_film_parts
    first, last = 5, 16
    out = tmp_path / "film.gif"
    write_animation(graph, trace, out, AnimationOptions(first, last), options)
    frames = held(gif_frames(out))
    assert len(frames) == last - first + 1
    for frame, k, other in ((frames[0], first, first + 1), (frames[-1], last, last - 1)):
        steps = range(first, last + 1)
        picture, height = camera_picture_of_step(graph, trace, options, k, steps, tmp_path / f"{k}.png")
        neighbour, _ = camera_picture_of_step(graph, trace, options, other, steps, tmp_path / f"n{k}.png")
        assert picture.shape[1] == 1280 and abs(picture.shape[0] - height) <= 1
        rows = min(height, picture.shape[0])
        mine = shrunk(frame, rows)
        same = np.abs(mine - shrunk(picture, rows)).mean()
        assert same < 3.0, (k, same)
        assert same < np.abs(shrunk(frame, rows) - shrunk(neighbour[:rows], rows)).mean()


def test_a_cancelled_export_leaves_no_file(mlp_film_parts, tmp_path):
    from graphviz_app.animation.export import AnimationCancelled, AnimationOptions, write_animation

    graph, trace, options = mlp_film_parts
    calls = []
    with pytest.raises(AnimationCancelled):
        write_animation(graph, trace, tmp_path / "film.gif", AnimationOptions(), options,
                        progress=lambda done, total: calls.append(done), cancelled=lambda: len(calls) >= 5)
    assert calls == [1, 2, 3, 4, 5]
    assert list(tmp_path.iterdir()) == []


def test_without_the_video_extra_an_mp4_export_says_how_to_install_it(mlp_film_parts, tmp_path, monkeypatch,
                                                                        capsys):
    from graphviz_app.cli import main

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # `import imageio_ffmpeg` raises ImportError
    assert main(["render", str(CHAIN), "--animate", str(tmp_path / "chain.mp4")]) == 2
    error = capsys.readouterr().err
    assert "MP4 export needs the video extra" in error and "pip install '.[video]'" in error
    assert list(tmp_path.iterdir()) == []


def mp4_frames(path: Path) -> tuple[list[np.ndarray], float]:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="MP4 export needs the video extra: "
                                                                    "pip install '.[video]'")
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = meta["size"]
    frames = [np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3) for data in reader]
    return frames, meta["fps"]


def test_an_mp4_holds_each_step_filmed_and_its_held_frames_are_the_gifs(tmp_path):
    pytest.importorskip("imageio_ffmpeg", reason="MP4 export needs the video extra: pip install '.[video]'")
    mp4, gif = tmp_path / "chain.mp4", tmp_path / "chain.gif"
    for out in (mp4, gif):
        done = render(str(CHAIN), "--animate", str(out), "--from", "2", "--to", "5")
        assert done.returncode == 0, done.stderr
    frames, fps = mp4_frames(mp4)
    assert fps == 10 and frames[0].shape == (720, 1280, 3)
    # runs of frames that stay the same (up to the video's compression) for at least HELD_S
    runs, start = [], 0
    for i in range(1, len(frames) + 1):
        if i == len(frames) or np.abs(frames[i].astype(int) - frames[i - 1]).mean() > 0.05:
            runs.append((start, i - start))
            start = i
    held_runs = [frames[s] for s, n in runs if n / fps >= HELD_S]
    assert len(held_runs) == 4
    gif_held = held(gif_frames(gif))
    for video, picture in ((held_runs[0], gif_held[0]), (held_runs[-1], gif_held[-1])):
        assert np.abs(shrunk(video, 720) - shrunk(picture, 720)).mean() < 3.0
