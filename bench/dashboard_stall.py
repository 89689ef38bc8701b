"""Training inside the app: the longest event-loop stall, and throughput compared with headless training.

For the default example and the text CNN this script
1. trains headless with engine.train.Trainer (fit for E epochs, then save_into_graph, as `main.py train --save`),
2. opens the MainWindow with explain mode and the training dashboard, presses Train for the same E epochs, and
   measures every 5 ms with a QTimer probe how late the event loop is (a stall), until the run's weights are in
   the graph,
and prints the longest stall (target < 50 ms) and in-app steps/s ÷ headless steps/s (target ≥ 80 %).
The machine is shared, so both sides run several times, interleaved, and the best rate of each is compared.

Everything is measured twice: with the machine as it is ("idle"), and with one core kept busy by another
process (a Python loop), as on a classroom laptop running other work ("busy"). The window is driven only
through what a user has (the Train action, the undo stack, the graph), so this script measures old and new
versions of the app alike.

Usage: .venv/bin/python bench/dashboard_stall.py [--epochs-headline 60] [--epochs-cnn 4] [--repeat 3]
                                                  [--load idle|busy|both]
Runs offscreen unless DISPLAY is set and QT_QPA_PLATFORM is unset.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the same for both sides of the comparison
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.examples import build_example  # noqa: E402
from engine.train import Trainer  # noqa: E402

PROBE_MS = 5


class StallProbe:
    """A 5 ms timer; every firing records how much later than due it came (wall clock), and how much CPU time the
    GUI thread used since the last firing: the app's own work, whatever the other processes do."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.lateness: list[float] = []
        self.cpu: list[float] = []
        self._last = self._last_cpu = 0.0

    def start(self) -> None:
        self.lateness.clear()
        self.cpu.clear()
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.lateness.append(max(0.0, (now - self._last) * 1000.0 - PROBE_MS))
        self.cpu.append((cpu - self._last_cpu) * 1000.0)
        self._last, self._last_cpu = now, cpu


def headless_rate(name: str, epochs: int) -> tuple[float, float, int]:
    """(steps per wall second, steps per CPU second, steps) of fit(epochs) + save_into_graph."""
    graph = build_example(name)
    trainer = Trainer(graph)
    trainer.evaluate("test")  # warm caches the way the app's first snapshot does
    started, cpu = time.perf_counter(), time.process_time()
    trainer.fit(epochs)
    trainer.save_into_graph()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    trainer.close()
    return trainer.step_count / seconds, trainer.step_count / cpu_seconds, trainer.step_count


def open_app(app: QApplication, folder: str):
    from graphviz_app.main_window import MainWindow
    from graphviz_app.recovery import RecoveryStore

    settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery=RecoveryStore(Path(folder) / "recovery"))
    window.resize(1600, 1000)
    window.show()
    return window


def wait_for(app: QApplication, condition, timeout: float = 600.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the app")
        app.processEvents()
        time.sleep(0.001)


def in_app_rate(app: QApplication, window, name: str, epochs: int) -> tuple[float, float, int, StallProbe]:
    """(steps per wall second, per CPU second, steps, probe) of pressing Train for `epochs` epochs in the window."""
    graph = build_example(name)
    graph.meta["training"]["epochs"] = epochs
    window.set_graph(graph, None, example=name)
    confusion = window.training.dashboard.confusion
    wait_for(app, lambda: confusion.counts.size > 0)  # the trainer is built: the untrained confusion is shown
    for _ in range(50):  # let the first snapshot and the layout settle
        app.processEvents()
    probe = StallProbe()
    loop = QEventLoop()
    window.undo_stack.indexChanged.connect(loop.quit)  # the run's weights reach the graph as one undo step
    probe.start()
    started, cpu = time.perf_counter(), time.process_time()
    window.training.actions["train"].trigger()  # F9
    loop.exec()  # the app's event loop, as in the window, until the run's weights are in the graph
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    probe.stop()
    window.undo_stack.indexChanged.disconnect(loop.quit)
    steps = window.graph.meta["metrics"]["steps_done"]
    return steps / seconds, steps / cpu_seconds, steps, probe


class BusyCore:
    """Another process spinning on one core for as long as the `with` block lasts."""

    def __enter__(self) -> "BusyCore":
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


def measure(app: QApplication, window, runs, repeat: int) -> tuple[float, float]:
    """Both examples, headless and in the app; returns (worst stall in ms, worst throughput ratio)."""
    worst_stall, worst_ratio = 0.0, float("inf")
    for name, epochs in runs:
        headless, inside, headless_cpu, inside_cpu, stalls, busy = [], [], [], [], [], []
        for _ in range(repeat):  # interleaved, so that load from other processes hits both sides
            rate, cpu_rate, steps = headless_rate(name, epochs)
            headless.append(rate)
            headless_cpu.append(cpu_rate)
            rate, cpu_rate, steps, probe = in_app_rate(app, window, name, epochs)
            inside.append(rate)
            inside_cpu.append(cpu_rate)
            stalls.extend(probe.lateness)
            busy.extend(probe.cpu)
        print(f"{name}: {epochs} epoch(s) = {steps} steps per run, {repeat} runs per side")
        longest, ratio = report(stalls, busy, headless, inside, headless_cpu, inside_cpu)
        worst_stall, worst_ratio = max(worst_stall, longest), min(worst_ratio, ratio)
    return worst_stall, worst_ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs-headline", type=int, default=60)
    parser.add_argument("--epochs-cnn", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each side, interleaved; the best rate of each side is compared")
    parser.add_argument("--load", choices=("idle", "busy", "both"), default="both",
                        help="idle: the machine as it is; busy: one core kept busy by another process")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    runs = (("headline_classifier", args.epochs_headline), ("text_cnn", args.epochs_cnn))
    loads = ("idle", "busy") if args.load == "both" else (args.load,)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        window = open_app(app, folder)
        for load in loads:
            print(f"--- {load}: " + ("one core kept busy by another process" if load == "busy"
                                     else "no extra load from this script"))
            if load == "busy":
                with BusyCore():
                    results[load] = measure(app, window, runs, args.repeat)
            else:
                results[load] = measure(app, window, runs, args.repeat)
            print(f"load average after the {load} runs: {os.getloadavg()[0]:.2f} (2 cores)")
        window.document.reset(None)  # nothing to save on close
        window.close()
    for load, (stall, ratio) in results.items():
        verdict = "OK" if stall < 50.0 and ratio >= 0.8 else "BELOW TARGET"
        print(f"worst ({load}): stall {stall:.1f} ms (target < 50), throughput {100 * ratio:.0f} % "
              f"(target >= 80 %): {verdict}")
    return 0


def report(stalls: list[float], busy: list[float], headless: list[float], inside: list[float],
           headless_cpu: list[float], inside_cpu: list[float]) -> tuple[float, float]:
    """Print the stall and throughput figures of one example; return (longest stall, throughput ratio)."""
    stalls = sorted(stalls)
    longest, p99 = stalls[-1], stalls[int(0.99 * (len(stalls) - 1))]
    ratio = max(inside) / max(headless)
    print(f"  longest event-loop stall {longest:.1f} ms over all app runs (99th percentile {p99:.1f} ms, "
          f"{len(stalls)} probes of {PROBE_MS} ms, {sum(s > 50.0 for s in stalls)} over 50 ms)")
    print(f"  most CPU the GUI thread used between two probes {max(busy):.1f} ms (the app's own longest piece of "
          f"work; the rest of a stall is waiting for a core)")
    print(f"  throughput headless {max(headless):.0f} steps/s (runs: {_rates(headless)}), in the app "
          f"{max(inside):.0f} steps/s (runs: {_rates(inside)}), ratio {100 * ratio:.0f} %")
    cpu_ratio = max(inside_cpu) / max(headless_cpu)
    print(f"  per CPU second (what the GUI costs, whatever else runs on the machine): headless "
          f"{max(headless_cpu):.0f}, in the app {max(inside_cpu):.0f} steps, ratio {100 * cpu_ratio:.0f} %")
    return longest, ratio


def _rates(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
