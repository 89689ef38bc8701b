/* Part 3: edge labels. Each is written once per text and size, then placed on its edge, or just above or
   below it where it hides fewer nodes and other labels (the current step's label is placed first). */

var LABEL_SHIFTS = [0, -1, 1, -2, 2, -3, 3]; // in label heights: on the edge first, then above and below
var SHIFT_COST = 400; // an overlap smaller than this (page units²) is not worth moving a label away

function showLabel(view, text, focus, hidden) {
  var label = view.label;
  view.shown = Boolean(text);
  view.focus = focus;
  label.setAttribute("visibility", text ? "visible" : "hidden");
  label.setAttribute("class", "elabel" + (focus ? " active" : "") + (hidden ? " hidden-label" : ""));
  if (!text) { return; }
  var size = focus ? Math.max(22, 26 / state.scale) : Math.max(14, 15 / state.scale);
  var key = text + "|" + size;
  if (view.labelKey !== key) {
    view.labelKey = key;
    writeLabel(view, text.split("\n"), size);
  }
  if (focus) { $("labels").appendChild(label); } // the current step's label on top of the others
}

function writeLabel(view, lines, size) {
  var at = view.edge.label;
  view.text.textContent = "";
  view.text.style.fontSize = size + "px";
  lines.forEach(function (line, i) {
    var span = make("tspan", { x: at[0], dy: i === 0 ? 0 : 1.2 * size }, view.text);
    span.textContent = line;
  });
  view.text.setAttribute("y", at[1] - (lines.length - 1) * 0.6 * size + 0.35 * size);
  var box = view.text.getBBox(), pad = 0.35 * size;
  var b = lesson.bounds, shift = Math.max(0, b[0] - box.x + pad) - Math.max(0, box.x + box.width + pad - b[0] - b[2]);
  if (shift) { // a label wider than the room at the graph's edge moves inwards instead of being cut
    Array.prototype.forEach.call(view.text.childNodes, function (span) { span.setAttribute("x", at[0] + shift); });
    box = view.text.getBBox();
  }
  view.box = [box.x - pad, box.y - pad / 2, box.width + 2 * pad, box.height + pad];
  view.rect.setAttribute("x", view.box[0]);
  view.rect.setAttribute("y", view.box[1]);
  view.rect.setAttribute("width", view.box[2]);
  view.rect.setAttribute("height", view.box[3]);
}

function overlap(a, b) {
  var w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  var h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

function labelCost(rect, taken, placed) {
  var b = lesson.bounds, cost = 0;
  taken.forEach(function (box) { cost += overlap(rect, box); });
  placed.forEach(function (box) { cost += 2 * overlap(rect, box); });
  return cost + 4 * (rect[2] * rect[3] - overlap(rect, b)); // outside the page: cut off
}

function placeLabels() {
  var taken = lesson.nodes.map(function (n) { return [n.x, n.y, n.w, n.h]; }), placed = [];
  var shown = edgeViews.filter(function (v) { return v.shown; });
  shown.sort(function (a, b) { return (b.focus ? 1 : 0) - (a.focus ? 1 : 0); });
  shown.forEach(function (view) {
    var box = view.box, best = null;
    LABEL_SHIFTS.forEach(function (k) {
      var dy = k * (box[3] + 12), rect = [box[0], box[1] + dy, box[2], box[3]];
      var cost = labelCost(rect, taken, placed) + Math.abs(k) * SHIFT_COST;
      if (best === null || cost < best.cost) { best = { cost: cost, dy: dy, rect: rect }; }
    });
    view.label.setAttribute("transform", best.dy ? "translate(0," + best.dy + ")" : "");
    var at = view.edge.label; // a thin line from the edge to a label that moved off it
    view.leader.setAttribute("x1", at[0]);
    view.leader.setAttribute("y1", at[1] - best.dy);
    view.leader.setAttribute("x2", at[0]);
    view.leader.setAttribute("y2", at[1]);
    view.leader.setAttribute("visibility", best.dy ? "inherit" : "hidden");
    placed.push(best.rect);
  });
}
