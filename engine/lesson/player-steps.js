/* Part 5: moving through the steps: the app's TracePlayer (graphviz_app/explain/player.py), in the browser. */

function seek(k) {
  stopAnimation();
  state.step = Math.max(-1, Math.min(k, last()));
  state.revealed = true;
  render();
}

function stepForward() {
  if (state.step >= last()) { return false; }
  finishAnimation();
  state.step += 1;
  state.revealed = !state.predict;
  state.animating = state.step;
  state.arrived = false;
  state.start = performance.now();
  render();
  requestAnimationFrame(tick);
  return true;
}

function tick(now) {
  if (state.animating === null) { return; }
  var t = (now - state.start) * state.speed / 1000;
  if (t < 1) {
    movePulses(t);
    requestAnimationFrame(tick);
    return;
  }
  if (!state.arrived) { arrive(); }
  if (t < 1 + HOLD && state.playing) {
    requestAnimationFrame(tick);
    return;
  }
  state.animating = null;
  if (state.playing) { nextWhilePlaying(); } else { render(); }
}

function arrive() {
  state.arrived = true;
  movePulses(null);
  render();
}

function finishAnimation() {
  if (state.animating !== null) {
    if (!state.arrived) { arrive(); }
    state.animating = null;
  }
}

function stopAnimation() {
  state.animating = null;
  state.arrived = false;
  movePulses(null);
}

function movePulses(t) {
  var step = state.step >= 0 ? example().steps[state.step] : null;
  edgeViews.forEach(function (view) { view.pulse.setAttribute("visibility", "hidden"); });
  if (t === null || !step) { return; }
  step.pulse.forEach(function (pair) {
    var view = edgeViews[pair[0]], back = pair[1] === 1;
    var point = view.line.getPointAtLength(view.length * (back ? 1 - t : t));
    view.pulse.setAttribute("cx", point.x);
    view.pulse.setAttribute("cy", point.y);
    view.pulse.setAttribute("r", Math.max(9, 10 / state.scale));
    view.pulse.style.fill = cssColor(back ? "backward" : "forward");
    view.pulse.setAttribute("visibility", "visible");
  });
}

function nextWhilePlaying() {
  if (state.step >= last() || (state.predict && !state.revealed)) {
    state.playing = false; // at the end, or waiting for the class to call out a prediction
    render();
  } else {
    stepForward();
  }
}

function reveal() {
  if (!state.revealed) {
    state.revealed = true;
    finishAnimation();
    render();
  }
}

function advance() {
  if (state.predict && !state.revealed) { reveal(); } else { stepForward(); }
}

function togglePlay() {
  if (state.playing) {
    state.playing = false;
    finishAnimation();
    render();
    return;
  }
  if (state.step >= last()) { seek(-1); }
  state.playing = true;
  if (state.animating === null) { stepForward(); } else { render(); }
}

function togglePredict() {
  state.predict = !state.predict;
  state.revealed = true;
  render();
}

function setExample(i) {
  if (i < 0 || i >= lesson.examples.length || i === state.example) { return; }
  stopAnimation();
  state.playing = false;
  state.example = i;
  Array.prototype.forEach.call($("examples").children, function (button, j) {
    button.setAttribute("aria-selected", j === i ? "true" : "false");
  });
  seek(Math.min(state.step, last()));
}
