/* Part 3: edge labels. Each is written once per text and size, then moved where the lesson data places it. */

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

/* Each shown label goes where the engine's label placer put it for this frame (lesson data "at": centre,
   the point of its edge it stands for, and whether a leader line leads back there): the same placer as the
   app's canvas, so labels cover no node, port or other label. A label the data does not place (the "?" of a
   prediction) stays on its edge. */
function placeLabels(frame) {
  edgeViews.forEach(function (view, i) {
    var place = frame.at ? frame.at[i] : null;
    if (!view.shown || !place) {
      view.label.setAttribute("transform", "");
      view.leader.setAttribute("visibility", "hidden");
      return;
    }
    var box = view.box, dx = place[0] - (box[0] + box[2] / 2), dy = place[1] - (box[1] + box[3] / 2);
    view.label.setAttribute("transform", "translate(" + dx + "," + dy + ")");
    view.leader.setAttribute("x1", place[2] - dx);
    view.leader.setAttribute("y1", place[3] - dy);
    view.leader.setAttribute("x2", box[0] + box[2] / 2);
    view.leader.setAttribute("y2", box[1] + box[3] / 2);
    view.leader.setAttribute("visibility", place[4] ? "inherit" : "hidden");
  });
}
