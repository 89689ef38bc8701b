/* Part 6: the side panel: an edge's local Jacobian, or a node's value and gradient. */

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
  var key = [state.example, state.step, state.revealed, state.arrived, state.selected.kind,
             state.selected.id].join("|");
  panel.hidden = false;
  if (panel.__key === key) { return; }
  panel.__key = key;
  body.textContent = "";
  if (state.selected.kind === "edge") {
    edgeDetails(body, state.selected.id);
  } else {
    nodeDetails(body, state.selected.id);
  }
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
  var underway = now.hidden || (state.animating !== null && !state.arrived);
  if (detail.k > state.step || (detail.k === state.step && underway)) {
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

/* rows × cols cells of w × h pixels; the numbers are written in them where they fit, else in a tooltip */
function drawCells(parent, x, y, rows, cols, w, h, values, texts, colorOf) {
  var g = make("g", {}, parent);
  for (var r = 0; r < rows; r++) {
    for (var c = 0; c < cols; c++) {
      var i = r * cols + c, v = values[i];
      var cell = make("rect", { x: x + c * w, y: y + r * h, width: w, height: h,
                                fill: colorOf(v), stroke: "#ffffff", "stroke-width": Math.min(w, h) > 8 ? 1 : 0 }, g);
      var words = str(texts[i]);
      make("title", {}, cell).textContent = words;
      if (w >= 9.8 * words.length + 6 && h >= 24) {
        var t = make("text", { x: x + (c + 0.5) * w, y: y + (r + 0.5) * h + 6, "text-anchor": "middle",
                               "font-size": 16, fill: cssColor("node-text") }, g);
        t.textContent = words;
      }
    }
  }
  make("rect", { x: x, y: y, width: cols * w, height: rows * h, fill: "none", stroke: cssColor("node-border") }, g);
  return g;
}

function jacobianPicture(d) {
  var all = d.up.concat(d.prod, d.J || []).filter(function (v) { return v !== null; });
  var top = Math.max.apply(null, all.map(Math.abs).concat([0]));
  var w = Math.max(5, Math.min(84, Math.floor(470 / (d.cols + 2))));
  var h = Math.max(4, Math.min(56, Math.floor(170 / Math.max(d.rows, d.cols))));
  var gap = 44, jw = d.J ? d.cols * w : 0;
  var pic = document.createElementNS(NS, "svg");
  var right = w + gap + (d.J ? jw + gap : 0);
  pic.setAttribute("width", right + Math.max(w, 10 * d.upShort.length) + 4);
  pic.setAttribute("height", Math.max(d.rows, d.cols) * h + 40);
  pic.setAttribute("class", "jacobian");
  var colorOf = function (v) { return cellColor(v, top, cssColor("backward"), cssColor("info")); };
  drawCells(pic, 0, 0, d.rows, 1, w, h, d.prod, d.prodText, colorOf).setAttribute("class", "product");
  var x = w + gap;
  sign(pic, w + gap / 2, d.rows * h / 2, "=");
  if (d.J) {
    drawCells(pic, x, 0, d.rows, d.cols, w, h, d.J, d.JText, colorOf).setAttribute("class", "jacobian-cells");
    x += jw + gap;
    sign(pic, x - gap / 2, d.rows * h / 2, "·");
  }
  drawCells(pic, x, 0, d.cols, 1, w, h, d.up, d.upText, colorOf).setAttribute("class", "upstream");
  var base = Math.max(d.rows, d.cols) * h;
  caption(pic, 0, base + 26, d.prodShort);
  if (d.J) { caption(pic, w + gap, base + 26, "local J, " + d.n + "×" + d.m); }
  caption(pic, x, base + 26, d.upShort);
  return pic;
}

function sign(pic, x, y, text) {
  var mark = make("text", { x: x, y: y + 10, "text-anchor": "middle", "font-size": 30,
                            fill: cssColor("node-text") }, pic);
  mark.textContent = text;
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
      var name = make("text", { x: 0, y: r * 38 + 25, "font-size": 19, fill: cssColor("node-text") }, pic);
      name.textContent = grid.names[r];
      make("rect", { x: 150, y: r * 38 + 6, width: Math.max(1, 300 * (v || 0)), height: 26, fill: color }, pic);
      make("text", { x: 160 + 300 * (v || 0), y: r * 38 + 25, "font-size": 18, fill: cssColor("node-text") }, pic)
        .textContent = str(grid.t[r]);
    });
  } else {
    /* a sequence's rows carry their words on the left (grid.rows), each row one line of text tall */
    var names = grid.rows || [], left = 0;
    names.forEach(function (name) { left = Math.max(left, 11 * name.length + 16); });
    var size = Math.max(8, Math.min(72, Math.floor((700 - left) / cols)));
    var high = names.length ? 30 : Math.min(size, 40);
    var top = Math.max.apply(null, grid.v.map(function (v) { return Math.abs(v || 0); }));
    pic.setAttribute("width", left + cols * size + 2);
    pic.setAttribute("height", rows * high + 2);
    names.forEach(function (name, r) {
      make("text", { x: 0, y: r * high + high / 2 + 7, "font-size": 19, "class": "row-name",
                     fill: cssColor("node-text") }, pic).textContent = name;
    });
    drawCells(pic, left + 1, 1, rows, cols, size, high, grid.v, grid.t, function (v) {
      return cellColor(v, top, color, cssColor("negative"));
    });
  }
  box.appendChild(pic);
  heading(box, "p", "sub", grid.caption);
  return box;
}
