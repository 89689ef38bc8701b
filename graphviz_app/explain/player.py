"""The trace player: steps, plays, pauses and scrubs a recorded trace, animating a pulse per step."""
from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

FRAME_MS = 16  # ~60 frames a second
HOLD = 0.35  # after a pulse arrives, the result stays this fraction of a step before the next one starts


class Display(Protocol):
    """What the player drives (overlay.Overlay): full states and pulse frames."""

    def show(self, step: int, arriving: bool = False, hidden: bool = False) -> None: ...

    def pulse(self, step: int, t: float | None) -> None: ...

    def clear(self) -> None: ...

    def __len__(self) -> int: ...


class Clock(Protocol):
    """Milliseconds since start() (QElapsedTimer; a test passes a clock it moves by hand)."""

    def start(self) -> None: ...

    def elapsed(self) -> int: ...


class TracePlayer(QObject):
    """Replays a trace on a display: one step at a time, playing at a speed, or jumping anywhere."""

    step_changed = Signal(int)  # the step now shown (-1: nothing yet)
    playing_changed = Signal(bool)
    loaded = Signal()
    revealed_changed = Signal(bool)  # predict-then-reveal: True once the current step is shown
    predict_changed = Signal(bool)  # predict-then-reveal switched on or off (the player owns this setting)
    shown = Signal(int)  # step k is on the display with its result (after a pulse arrived, a seek, a refresh)

    def __init__(self, parent: QObject | None = None, instant: bool = False, clock: Clock | None = None):
        super().__init__(parent)
        self.display: Display | None = None
        self.instant = instant
        self.speed = 1.5  # steps per second
        self.step = -1
        self.stop_at: int | None = None
        self.predict = False
        self.revealed = True
        self._animating: int | None = None
        self._arrived: int | None = None
        self._clock: Clock = clock if clock is not None else QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.frame)
        self._playing = False

    # ----- loading
    def load(self, display: Display | None, start: int = -1) -> None:
        """Play this display's trace from `start` (-1: before the first step)."""
        self.pause()
        if self.display is not None and display is not self.display:
            self.display.clear()
        self.display = display
        self.step = -1
        self.loaded.emit()
        if display is not None:
            self.seek(start)

    def clear(self) -> None:
        """Forget the trace and remove every overlay."""
        self.load(None)

    def __len__(self) -> int:
        return 0 if self.display is None else len(self.display)

    @property
    def last(self) -> int:
        """Index of the last step (-1 when empty)."""
        return len(self) - 1

    @property
    def playing(self) -> bool:
        """True while the timer is playing steps."""
        return self._playing

    def set_speed(self, steps_per_second: float) -> None:
        """How many steps play per second (0.2 to 20)."""
        self.speed = min(20.0, max(0.2, float(steps_per_second)))

    def set_predict(self, on: bool) -> None:
        """Predict-then-reveal: each new step shows '?' until reveal() (or advance()) is called."""
        changed = bool(on) != self.predict
        self.predict = bool(on)
        self.revealed = True
        self._show(self.step)
        self.revealed_changed.emit(True)
        if changed:
            self.predict_changed.emit(self.predict)

    # ----- moving
    def seek(self, k: int) -> None:
        """Show the state after step k at once (scrubbing); stops any animation."""
        if self.display is None:
            return
        self._stop_animation()
        self.step = max(-1, min(int(k), self.last))
        self.revealed = True
        self._show(self.step)
        self.step_changed.emit(self.step)

    def step_forward(self) -> bool:
        """Go one step on, animating its pulse unless instant; False at the end."""
        if self.display is None or self.step >= self.last:
            return False
        self._finish_animation()
        self.step += 1
        self.revealed = not self.predict
        self.step_changed.emit(self.step)
        if self.instant:
            self._show(self.step)
        else:
            self._begin_animation()
        return True

    def refresh(self) -> None:
        """Repaint the current step (after the display's options changed)."""
        self._show(self.step)

    def step_back(self) -> None:
        """Go one step back (no animation)."""
        self.seek(self.step - 1)

    def reveal(self) -> None:
        """Predict-then-reveal: show what the current step computed."""
        if not self.revealed:
            self.revealed = True
            self._finish_animation()
            self._show(self.step)
            self.revealed_changed.emit(True)

    def advance(self) -> None:
        """The presenter's key: reveal the pending step in predict mode, otherwise step on."""
        if self.predict and not self.revealed:
            self.reveal()
        else:
            self.step_forward()

    def play(self, until: int | None = None) -> None:
        """Play steps up to `until` (inclusive; default the end); instant mode jumps there."""
        if self.display is None:
            return
        until = self.last if until is None else min(until, self.last)
        if self.step >= until:
            return
        if self.instant:
            self.seek(until)
            return
        self.stop_at = until
        self._set_playing(True)
        if self._animating is None:
            self.step_forward()

    def pause(self) -> None:
        """Stop playing after showing the current step whole."""
        self._set_playing(False)
        self.stop_at = None
        self._finish_animation()

    def toggle(self) -> None:
        """Play if paused (from the start again if at the end), pause if playing."""
        if self._playing:
            self.pause()
        else:
            if self.step >= self.last:
                self.seek(-1)
            self.play()

    # ----- animation
    def _duration_ms(self) -> float:
        return 1000.0 / self.speed

    def _begin_animation(self) -> None:
        assert self.display is not None
        self._animating = self.step
        self._arrived = None
        self.display.show(self.step, arriving=True, hidden=not self.revealed)
        self._clock.start()
        self._timer.start()
        self.frame()

    def frame(self) -> None:
        """Draw the animation as it stands on the clock (the frame timer calls this ~60 times a second)."""
        if self.display is None or self._animating is None:
            self._timer.stop()
            return
        t = self._clock.elapsed() / self._duration_ms()
        if t < 1.0:
            self.display.pulse(self._animating, t)
            return
        if t < 1.0 + HOLD and self._playing:
            self._arrive()
            return
        self._arrive()
        self._animating = None
        self._timer.stop()
        if self._playing:
            self._next_while_playing()

    def _arrive(self) -> None:
        """The pulse reached its node: show the step's result (once)."""
        assert self.display is not None and self._animating is not None
        self.display.pulse(self._animating, None)
        if self._arrived != self._animating:
            self._arrived = self._animating
            self.display.show(self._animating, hidden=not self.revealed)
            self.shown.emit(self._animating)

    def _next_while_playing(self) -> None:
        if self.stop_at is not None and self.step >= self.stop_at or self.step >= self.last:
            self._set_playing(False)
            self.stop_at = None
        elif self.predict and not self.revealed:
            self._set_playing(False)  # wait for the class to call out a prediction
        else:
            self.step_forward()

    def _finish_animation(self) -> None:
        if self._animating is not None:
            self._arrive()
            self._animating = None
            self._timer.stop()

    def _stop_animation(self) -> None:
        self._animating = None
        self._arrived = None
        self._timer.stop()
        if self.display is not None and self.step >= 0:
            self.display.pulse(self.step, None)

    def _show(self, k: int) -> None:
        if self.display is not None:
            self.display.show(k, hidden=not self.revealed)
            self.shown.emit(k)

    def _set_playing(self, on: bool) -> None:
        if on != self._playing:
            self._playing = on
            self.playing_changed.emit(on)
