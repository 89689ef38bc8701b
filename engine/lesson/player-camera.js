/* Part 4: the camera: the whole graph, a zoom the reader chose, or following the current step. */

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
