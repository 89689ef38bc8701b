/* The lesson player: replays the steps stored in #lesson-data. Every caption, label and number comes from
   the data (computed by engine/lesson in Python); this script only draws, animates and looks them up. */
(function () {
  "use strict";

  var lesson = JSON.parse(document.getElementById("lesson-data").textContent);
  var root = document.getElementById("player");
  var svg = document.getElementById("graph");
  var NS = svg.namespaceURI;
  var style = getComputedStyle(document.documentElement);
  var HOLD = 0.35; // after a pulse arrives, the result stays this fraction of a step before the next one
  var MIN_WIDTH = 2, MAX_WIDTH = 8; // edge widths for the smallest and largest gradients

  var FOLLOW_SCALE = 1.05; // following the step, one page unit is about one screen pixel
  var state = { example: 0, step: -1, predict: false, revealed: true, playing: false,
                animating: null, arrived: false, start: 0, speed: 1.5, selected: null, scale: 1 };
  var camera = { zoom: 1, cx: 0, cy: 0, follow: false, followed: null };

  function $(id) { return document.getElementById(id); }
  function cssColor(name) { return style.getPropertyValue("--" + name).trim(); }
  function str(index) { return index < 0 ? null : lesson.strings[index]; }
  function example() { return lesson.examples[state.example]; }
  function last() { return example().steps.length - 1; }

  function make(tag, attrs, parent) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }

  function mix(a, b, f) {
    var x = rgb(a), y = rgb(b);
    return "rgb(" + x.map(function (v, i) { return Math.round(v + (y[i] - v) * f); }).join(",") + ")";
  }

  /* ---------- the drawing, built once */
  function fitText(node, text, width) {
    if (node.__text === text && node.__width === width) { return; }
    node.__text = text;
    node.__width = width;
    node.textContent = text;
    if (!text || node.getComputedTextLength() <= width) { return; }
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      node.textContent = text.slice(0, mid) + "…";
      if (node.getComputedTextLength() <= width) { lo = mid; } else { hi = mid - 1; }
    }
    node.textContent = text.slice(0, lo) + "…";
  }

  /* A value over two lines, broken after a comma when it is too long for one; the rest is elided. */
  function fitLines(lines, text, width) {
    if (lines[0].__whole === text && lines[0].__width === width) { return; }
    lines[0].__whole = text;
    fitText(lines[0], text, width);
    if (lines[0].textContent === text) { fitText(lines[1], "", width); return; }
    var cut = -1, breaks = /, | \(/g, found;
    while ((found = breaks.exec(text)) !== null) {
      var at = found.index + (found[0] === ", " ? 1 : 0);
      fitText(lines[0], text.slice(0, at), width);
      if (lines[0].textContent !== text.slice(0, at)) { break; }
      cut = at;
    }
    if (cut < 0) { fitText(lines[0], text, width); fitText(lines[1], "", width); return; }
    fitText(lines[0], text.slice(0, cut), width);
    fitText(lines[1], "  " + text.slice(cut).trim(), width);
  }

  function buildRegion(region) {
    var g = make("g", { "class": "region" }, $("regions"));
    make("rect", { x: region.x, y: region.y, width: region.w, height: region.h, rx: 18,
                   fill: region.color, "fill-opacity": 0.12, stroke: region.color, "stroke-opacity": 0.55 }, g);
    var title = make("text", { x: region.x + 8, y: region.y - 9, fill: region.color }, g);
    title.textContent = region.title;
  }

  function buildNode(node) {
    var g = make("g", { "class": "node " + node.style, "data-node": node.id }, $("nodes"));
    make("rect", { "class": "box", x: node.x, y: node.y, width: node.w, height: node.h, rx: 12 }, g);
    var accent = make("rect", { x: node.x + 1, y: node.y + 1, width: node.w - 2, height: 6, rx: 3 }, g);
    accent.style.fill = "var(--cat-" + node.category.replace(/[^A-Za-z]/g, "") + ", var(--node-subtext))";
    var view = { node: node, g: g,
      name: make("text", { "class": "name", x: node.x + 14, y: node.y + 36 }, g),
      op: make("text", { "class": "op", x: node.x + 14, y: node.y + 56 }, g),
      value: [84, 106].map(function (dy) { return make("text", { "class": "value", x: node.x + 14, y: node.y + dy }, g); }),
      grad: [130, 152].map(function (dy) { return make("text", { "class": "grad", x: node.x + 14, y: node.y + dy }, g); }),
      mark: make("text", { "class": "hidden-mark", x: node.x + node.w / 2, y: node.y + 112,
                           "text-anchor": "middle" }, g),
      badge: make("g", { "class": "badge" }, g) };
    view.mark.textContent = "?";
    g.__title = make("title", {}, g);
    view.badgeRect = make("rect", { rx: 6 }, view.badge);
    view.badgeText = make("text", {}, view.badge);
    fitText(view.name, node.name, node.w - 28);
    fitText(view.op, node.op, node.w - 28);
    g.addEventListener("click", function () { select({ kind: "node", id: node.id }); });
    return view;
  }

  function curvePath(c) {
    return "M" + c[0] + "," + c[1] + " C" + c[2] + "," + c[3] + " " + c[4] + "," + c[5] + " " + c[6] + "," + c[7];
  }

  function buildEdge(edge) {
    var g = make("g", { "class": "edge", "data-edge": edge.id }, $("edges"));
    var line = make("path", { "class": "line", d: curvePath(edge.curve), "marker-end": "url(#arrow)" }, g);
    make("path", { "class": "hit", d: curvePath(edge.curve) }, g);
    var label = make("g", { "class": "elabel", "data-edge": edge.id }, $("labels"));
    var view = { edge: edge, g: g, line: line, label: label, length: line.getTotalLength(),
                 rect: make("rect", { rx: 7 }, label), text: make("text", { "text-anchor": "middle" }, label),
                 pulse: make("circle", { "class": "pulse", r: 11, visibility: "hidden" }, $("pulses")) };
    g.addEventListener("click", function () { select({ kind: "edge", id: edge.id }); });
    label.addEventListener("click", function () { select({ kind: "edge", id: edge.id }); });
    return view;
  }

  lesson.regions.forEach(buildRegion);
  var edgeViews = lesson.edges.map(buildEdge);
  var nodeViews = lesson.nodes.map(buildNode);
  var edgeIndex = {};
  edgeViews.forEach(function (v, i) { edgeIndex[v.edge.id] = i; });
  camera.cx = lesson.bounds[0] + lesson.bounds[2] / 2;
  camera.cy = lesson.bounds[1] + lesson.bounds[3] / 2;

  /* ---------- what the current moment shows */
  function current() {
    var ex = example();
    if (state.step < 0) {
      return { frame: ex.ready.done, caption: ex.ready.caption, step: null, hidden: false };
    }
    var step = ex.steps[state.step];
    var arriving = state.animating !== null && !state.arrived;
    var hidden = state.predict && !state.revealed;
    return { frame: hidden || arriving ? step.pending : step.done, caption: hidden ? step.question : step.caption,
             step: step, hidden: hidden && !arriving };
  }

  /* ---------- the camera: the whole graph, a zoom the reader chose, or following the step */
  function fitScale() {
    var box = svg.getBoundingClientRect(), b = lesson.bounds;
    return Math.max(0.05, Math.min(box.width / b[2], box.height / b[3]) || 1);
  }

  function applyCamera() {
    var b = lesson.bounds, w = b[2] / camera.zoom, h = b[3] / camera.zoom;
    var x = Math.min(Math.max(camera.cx - w / 2, b[0]), b[0] + b[2] - w);
    var y = Math.min(Math.max(camera.cy - h / 2, b[1]), b[1] + b[3] - h);
    camera.cx = x + w / 2;
    camera.cy = y + h / 2;
    svg.setAttribute("viewBox", [x, y, w, h].join(" "));
    state.scale = fitScale() * camera.zoom;
  }

  function zoomTo(zoom, px, py) {
    var before = toPage(px, py);
    camera.zoom = Math.min(8, Math.max(1, zoom));
    applyCamera();
    var after = toPage(px, py);
    camera.cx += before[0] - after[0];
    camera.cy += before[1] - after[1];
    applyCamera();
    render();
  }

  function toPage(px, py) {
    var point = svg.createSVGPoint();
    point.x = px;
    point.y = py;
    var p = point.matrixTransform(svg.getScreenCTM().inverse());
    return [p.x, p.y];
  }

  function followStep(step) {
    if (!camera.follow || !step || camera.followed === step) { return; }
    camera.followed = step;
    var spot = null;
    if (step.edge !== null && step.edge in edgeIndex) {
      spot = lesson.edges[edgeIndex[step.edge]].label;
    } else if (step.node !== null) {
      var node = nodeViews.filter(function (v) { return v.node.id === step.node; })[0];
      if (node) { spot = [node.node.x + node.node.w / 2, node.node.y + node.node.h / 2]; }
    }
    if (spot) {
      camera.cx = spot[0];
      camera.cy = spot[1];
      applyCamera();
    }
  }

  function toggleFollow() {
    camera.follow = !camera.follow;
    camera.followed = null;
    camera.zoom = camera.follow ? Math.max(1, FOLLOW_SCALE / fitScale()) : 1;
    applyCamera();
    render();
  }

  function showNode(view, look, now) {
    var id = view.node.id, focus = now.step && now.step.node === id;
    var concealed = now.hidden && now.step.hideNode === id;
    var classes = ["node", view.node.style, str(look[0]) || ""];
    if (focus) { classes.push("active"); }
    if (state.selected && state.selected.kind === "node" && state.selected.id === id) { classes.push("selected"); }
    view.g.setAttribute("class", classes.join(" "));
    fitLines(view.value, concealed ? "" : str(look[1]) || "", view.node.w - 28);
    fitLines(view.grad, str(look[2]) || "", view.node.w - 28);
    view.g.__title.textContent = view.node.name + " " + (str(look[1]) || "") + "\n" + (str(look[2]) || "");
    view.mark.setAttribute("visibility", concealed ? "visible" : "hidden");
    showBadge(view, str(look[3]), look[4]);
  }

  function showBadge(view, text, ok) {
    view.badge.setAttribute("visibility", text ? "visible" : "hidden");
    if (!text) { return; }
    view.badge.setAttribute("class", ok ? "badge ok" : "badge");
    view.badgeText.textContent = text;
    var x = view.node.x + view.node.w - 10, y = view.node.y - 14;
    view.badgeText.setAttribute("x", x + 10);
    view.badgeText.setAttribute("y", y + 6);
    var box = view.badgeText.getBBox();
    view.badgeRect.setAttribute("x", box.x - 8);
    view.badgeRect.setAttribute("y", box.y - 4);
    view.badgeRect.setAttribute("width", box.width + 16);
    view.badgeRect.setAttribute("height", box.height + 8);
  }

  function showEdge(view, look, now, index) {
    var id = view.edge.id, focus = now.step && now.step.edge === id;
    var classes = ["edge"];
    if (focus) { classes.push("active"); }
    if (state.selected && state.selected.kind === "edge" && state.selected.id === id) { classes.push("selected"); }
    view.g.setAttribute("class", classes.join(" "));
    var f = example().strength[index];
    view.line.style.stroke = look[1] && !focus ? mix(cssColor("edge"), cssColor("backward"), 0.35 + 0.65 * f) : "";
    view.line.style.strokeWidth = look[1] && !focus ? MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * f : "";
    var hidden = now.hidden && now.step.hideEdge === id;
    showLabel(view, hidden ? "?" : str(look[0]), focus, hidden);
  }

  function showLabel(view, text, focus, hidden) {
    var label = view.label;
    label.setAttribute("visibility", text ? "visible" : "hidden");
    label.setAttribute("class", "elabel" + (focus ? " active" : "") + (hidden ? " hidden-label" : ""));
    if (!text) { return; }
    var size = focus ? Math.max(22, 26 / state.scale) : Math.max(14, 15 / state.scale);
    var key = text + "|" + size;
    if (view.labelKey !== key) {
      view.labelKey = key;
      var at = view.edge.label, lines = text.split("\n");
      view.text.textContent = "";
      view.text.style.fontSize = size + "px";
      lines.forEach(function (line, i) {
        var span = make("tspan", { x: at[0], dy: i === 0 ? 0 : 1.2 * size }, view.text);
        span.textContent = line;
      });
      view.text.setAttribute("y", at[1] - (lines.length - 1) * 0.6 * size + 0.35 * size);
      var box = view.text.getBBox(), pad = 0.35 * size;
      view.rect.setAttribute("x", box.x - pad);
      view.rect.setAttribute("y", box.y - pad / 2);
      view.rect.setAttribute("width", box.width + 2 * pad);
      view.rect.setAttribute("height", box.height + pad);
    }
    if (focus) { $("labels").appendChild(label); } // the current step's label on top of the others
  }

  function render() {
    var now = current(), ex = example();
    followStep(now.step);
    root.dataset.step = String(state.step);
    root.dataset.motion = state.animating !== null && !state.arrived ? "moving" : "still";
    root.dataset.mode = now.hidden ? "hidden" : (state.predict ? "predict" : "normal");
    root.dataset.phase = now.step ? now.step.phase : "idle";
    svg.setAttribute("class", "phase-" + root.dataset.phase);
    nodeViews.forEach(function (view, i) { showNode(view, lesson.nodeLooks[now.frame.n[i]], now); });
    edgeViews.forEach(function (view, i) { showEdge(view, lesson.edgeLooks[now.frame.e[i]], now, i); });
    $("caption").textContent = now.caption;
    $("step-info").textContent = state.step < 0 ? "Before the first step · " + ex.steps.length + " steps" :
      "Step " + (state.step + 1) + " of " + ex.steps.length + " · " + now.step.phase +
      (now.hidden ? " · predict, then press Space to reveal" : "");
    $("scrub").max = String(last());
    $("scrub").value = String(state.step);
    $("play").textContent = state.playing ? "❚❚ Pause" : "▶ Play";
    $("reveal").disabled = !(state.predict && !state.revealed);
    $("predict").setAttribute("aria-pressed", state.predict ? "true" : "false");
    $("predict").textContent = state.predict ? "Predict: on" : "Predict: off";
    $("follow").setAttribute("aria-pressed", camera.follow ? "true" : "false");
    $("follow").textContent = camera.follow ? "Follow: on" : "Follow: off";
    showDetails();
  }

  /* ---------- moving through the steps (the app's TracePlayer, in the browser) */
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

  /* ---------- the side panel: an edge's local Jacobian, or a node's value and gradient */
  function select(what) {
    state.selected = what;
    render();
  }

  function heading(body, tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    node.textContent = text;
    body.appendChild(node);
    return node;
  }

  function showDetails() {
    var panel = $("details"), body = $("details-body");
    if (!state.selected) { panel.hidden = true; return; }
    var key = [state.example, state.step, state.revealed, state.arrived, state.selected.kind, state.selected.id].join("|");
    panel.hidden = false;
    if (panel.__key === key) { return; }
    panel.__key = key;
    body.textContent = "";
    if (state.selected.kind === "edge") { edgeDetails(body, state.selected.id); } else { nodeDetails(body, state.selected.id); }
  }

  function edgeDetails(body, id) {
    var edge = lesson.edges[edgeIndex[id]], detail = example().details[id];
    var names = nodeName(edge.src) + " → " + nodeName(edge.dst);
    if (!detail) {
      heading(body, "h2", "", names);
      heading(body, "p", "note", "No gradient is recorded on this edge: it does not lead to the loss.");
      return;
    }
    var now = current();
    if (detail.k > state.step || (detail.k === state.step && (now.hidden || state.animating !== null && !state.arrived))) {
      heading(body, "h2", "", names);
      heading(body, "p", "note", detail.k > state.step ?
        "Backward reaches this edge at step " + (detail.k + 1) + ". Step on to see its local Jacobian." :
        "Reveal this step first (Space).");
      return;
    }
    heading(body, "h2", "", detail.title.split("\n")[0]);
    if (detail.local) { heading(body, "div", "shape", "local " + detail.local); }
    if (detail.up) { body.appendChild(jacobianPicture(detail)); }
    heading(body, "p", "note", detail.note);
  }

  function nodeName(id) {
    for (var i = 0; i < lesson.nodes.length; i++) { if (lesson.nodes[i].id === id) { return lesson.nodes[i].name; } }
    return id;
  }

  function cellColor(v, top, positive, negative) {
    if (v === null || top <= 0) { return "#ffffff"; }
    return mix("#ffffff", v < 0 ? negative : positive, Math.min(1, Math.abs(v) / top));
  }

  function drawCells(parent, x, y, rows, cols, size, values, texts, colorOf) {
    var g = make("g", {}, parent);
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        var i = r * cols + c, v = values[i];
        var cell = make("rect", { x: x + c * size, y: y + r * size, width: size, height: size,
                                  fill: colorOf(v), stroke: "#ffffff", "stroke-width": size > 8 ? 1 : 0 }, g);
        var words = texts ? str(texts[i]) : String(v);
        make("title", {}, cell).textContent = words;
        if (texts && size >= 58 && words.length <= 7) {
          var t = make("text", { x: x + (c + 0.5) * size, y: y + (r + 0.5) * size + 6, "text-anchor": "middle",
                                 "font-size": 17, fill: "#1f2630" }, g);
          t.textContent = words;
        }
      }
    }
    make("rect", { x: x, y: y, width: cols * size, height: rows * size, fill: "none", stroke: cssColor("node-border") }, g);
    return g;
  }

  function jacobianPicture(d) {
    var all = d.up.concat(d.prod, d.J || []).filter(function (v) { return v !== null; });
    var top = Math.max.apply(null, all.map(Math.abs).concat([0]));
    var size = Math.max(5, Math.min(64, Math.floor(Math.min(250 / Math.max(d.rows, d.cols), 460 / (d.cols + 2)))));
    var gap = 44, jw = d.J ? d.cols * size : 0;
    var width = size + gap + (d.J ? jw + gap : 0) + size + 220, height = Math.max(d.rows, d.cols) * size + 40;
    var pic = document.createElementNS(NS, "svg");
    pic.setAttribute("width", width);
    pic.setAttribute("height", height);
    pic.setAttribute("class", "jacobian");
    var colorOf = function (v) { return cellColor(v, top, cssColor("backward"), cssColor("info")); };
    drawCells(pic, 0, 0, d.rows, 1, size, d.prod, d.prodText, colorOf).setAttribute("class", "product");
    var x = size + gap;
    sign(pic, size + gap / 2, d.rows * size / 2, "=");
    if (d.J) {
      drawCells(pic, x, 0, d.rows, d.cols, size, d.J, d.JText, colorOf).setAttribute("class", "jacobian-cells");
      x += jw + gap;
      sign(pic, x - gap / 2, d.rows * size / 2, "·");
    }
    drawCells(pic, x, 0, d.cols, 1, size, d.up, d.upText, colorOf).setAttribute("class", "upstream");
    var base = Math.max(d.rows, d.cols) * size;
    caption(pic, 0, base + 26, d.prodShort);
    if (d.J) { caption(pic, size + gap, base + 26, "local J, " + d.n + "×" + d.m); }
    caption(pic, x, base + 26, d.upShort);
    return pic;
  }

  function sign(pic, x, y, text) {
    make("text", { x: x, y: y + 10, "text-anchor": "middle", "font-size": 30, fill: cssColor("node-text") }, pic).textContent = text;
  }

  function caption(pic, x, y, text) {
    make("text", { x: x, y: y, "font-size": 18, fill: cssColor("node-subtext") }, pic).textContent = text;
  }

  function nodeDetails(body, id) {
    var i = lesson.nodes.findIndex(function (n) { return n.id === id; });
    var look = lesson.nodeLooks[current().frame.n[i]], node = lesson.nodes[i];
    heading(body, "h2", "", node.name + " (" + node.op + ")");
    var concealed = current().hidden && current().step.hideNode === id;
    if (look[1] < 0 && look[2] < 0) {
      heading(body, "p", "note", "Nothing computed here yet at this step.");
      return;
    }
    [[1, 5, "forward", "value"], [2, 6, "backward", "gradient"]].forEach(function (part) {
      if (look[part[0]] < 0) { return; }
      heading(body, "div", "shape", concealed && part[3] === "value" ? "?" : str(look[part[0]]));
      if (look[part[1]] >= 0 && !(concealed && part[3] === "value")) {
        body.appendChild(gridPicture(lesson.grids[look[part[1]]], cssColor(part[2])));
      }
    });
  }

  function gridPicture(grid, color) {
    var box = document.createElement("div"), rows = grid.shape[0], cols = grid.shape[1];
    var pic = document.createElementNS(NS, "svg");
    if (grid.names) {
      pic.setAttribute("width", 540);
      pic.setAttribute("height", grid.v.length * 38);
      grid.v.forEach(function (v, r) {
        make("text", { x: 0, y: r * 38 + 25, "font-size": 19, fill: cssColor("node-text") }, pic).textContent = grid.names[r];
        make("rect", { x: 150, y: r * 38 + 6, width: Math.max(1, 300 * (v || 0)), height: 26, fill: color }, pic);
        make("text", { x: 160 + 300 * (v || 0), y: r * 38 + 25, "font-size": 18, fill: cssColor("node-text") }, pic)
          .textContent = str(grid.t[r]);
      });
    } else {
      var size = Math.max(8, Math.min(56, Math.floor(540 / cols)));
      var top = Math.max.apply(null, grid.v.map(function (v) { return Math.abs(v || 0); }));
      pic.setAttribute("width", cols * size + 2);
      pic.setAttribute("height", rows * size + 2);
      drawCells(pic, 1, 1, rows, cols, size, grid.v, grid.t, function (v) {
        return cellColor(v, top, color, cssColor("negative"));
      });
    }
    box.appendChild(pic);
    heading(box, "p", "sub", grid.caption);
    return box;
  }

  /* ---------- controls and keys */
  function buildExamples() {
    var bar = $("examples");
    if (lesson.examples.length < 2) { bar.hidden = true; return; }
    lesson.examples.forEach(function (ex, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = (i + 1) + ". " + ex.name;
      button.title = ex.name + " (key " + (i + 1) + ")";
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", i === state.example ? "true" : "false");
      button.addEventListener("click", function () { setExample(i); button.blur(); });
      bar.appendChild(button);
    });
  }

  function zoomAtCentre(zoom) {
    var box = svg.getBoundingClientRect();
    zoomTo(zoom, box.left + box.width / 2, box.top + box.height / 2);
  }

  function dragToPan() {
    var from = null;
    svg.addEventListener("pointerdown", function (event) {
      if (camera.zoom <= 1 || event.target.closest(".node, .edge, .elabel")) { return; }
      from = toPage(event.clientX, event.clientY);
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!from) { return; }
      var at = toPage(event.clientX, event.clientY);
      camera.cx += from[0] - at[0];
      camera.cy += from[1] - at[1];
      applyCamera();
      render();
    });
    svg.addEventListener("pointerup", function () { from = null; });
  }

  function onClick(id, action) {
    $(id).addEventListener("click", function () { action(); $(id).blur(); });
  }

  function onKey(event) {
    var target = event.target, tag = target && target.tagName;
    var field = tag === "INPUT" || tag === "SELECT";
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      if (!event.repeat) { advance(); }
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && !field) {
      event.preventDefault();
      seek(state.step + (event.key === "ArrowRight" ? 1 : -1));
    } else if (event.key === "p" || event.key === "P") {
      togglePredict();
    } else if (event.key === "Home" && !field) {
      seek(-1);
    } else if (event.key === "End" && !field) {
      seek(last());
    } else if (event.key === "f" || event.key === "F") {
      toggleFollow();
    } else if ((event.key === "+" || event.key === "=") && !field) {
      zoomAtCentre(camera.zoom * 1.25);
    } else if (event.key === "-" && !field) {
      zoomAtCentre(camera.zoom / 1.25);
    } else if (event.key === "0" && !field) {
      camera.follow = false;
      camera.zoom = 1;
      applyCamera();
      render();
    } else if (event.key === "Escape") {
      select(null);
    } else if (/^[1-9]$/.test(event.key)) {
      setExample(Number(event.key) - 1);
    }
  }

  $("title").textContent = lesson.title;
  $("description").textContent = lesson.description;
  $("description").addEventListener("click", function () { this.classList.toggle("open"); });
  buildExamples();
  onClick("back", function () { seek(state.step - 1); });
  onClick("step", advance);
  onClick("play", togglePlay);
  onClick("predict", togglePredict);
  onClick("reveal", reveal);
  onClick("close-details", function () { select(null); });
  $("scrub").addEventListener("input", function () { seek(Number(this.value)); });
  $("speed").addEventListener("change", function () { state.speed = Number(this.value); this.blur(); });
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", function (event) { if (event.key === " ") { event.preventDefault(); } });
  onClick("follow", toggleFollow);
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomTo(camera.zoom * Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
  }, { passive: false });
  dragToPan();
  window.addEventListener("resize", function () { applyCamera(); render(); });
  applyCamera();
  render();
}());
