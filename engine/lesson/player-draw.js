/* Part 2: the drawing. Every caption, label and number comes from the lesson data (computed in Python by
   engine/lesson); this only draws it and looks it up. */

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

/* A value over two lines: the panel's own lines (the canvas's rows, split at "\n"; the second line holds the
   rest), or one long line broken after a comma; what does not fit is elided. */
function fitLines(lines, text, width) {
  if (lines[0].__whole === text && lines[0].__width === width) { return; }
  lines[0].__whole = text;
  var rows = text.split("\n");
  if (rows.length > 1) {
    fitText(lines[0], rows[0], width);
    fitText(lines[1], rows.slice(1).join("   "), width);
    return;
  }
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
  function line(cls, dy) { return make("text", { "class": cls, x: node.x + 14, y: node.y + dy }, g); }
  var g = make("g", { "class": "node " + node.style, "data-node": node.id }, $("nodes"));
  make("rect", { "class": "box", x: node.x, y: node.y, width: node.w, height: node.h, rx: 12 }, g);
  var accent = make("rect", { x: node.x + 1, y: node.y + 1, width: node.w - 2, height: 6, rx: 3 }, g);
  accent.style.fill = "var(--cat-" + node.category.replace(/[^A-Za-z]/g, "") + ", var(--node-subtext))";
  var view = { node: node, g: g,
    name: make("text", { "class": "name", x: node.x + 14, y: node.y + 36 }, g),
    op: make("text", { "class": "op", x: node.x + 14, y: node.y + 56 }, g),
    value: [84, 106].map(function (dy) { return line("value", dy); }),
    grad: [130, 152].map(function (dy) { return line("grad", dy); }),
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
               leader: make("line", { "class": "leader" }, label), rect: make("rect", { rx: 7 }, label),
               text: make("text", { "text-anchor": "middle" }, label),
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
  placeLabels(now.frame);
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
