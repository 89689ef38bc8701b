/* Part 7: buttons, keys, the example switcher and the mouse; then the first picture. */

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
openAt(location.hash);
window.addEventListener("hashchange", function () { openAt(location.hash); });

/* A link may open the page at a step: lesson.html#step=12 (as the page counts, from 1), #example=2&step=5. */
function openAt(hash) {
  var asked = {};
  hash.replace(/^#/, "").split("&").forEach(function (part) {
    var pair = part.split("=");
    if (pair.length === 2 && /^[0-9]+$/.test(pair[1])) { asked[pair[0]] = Number(pair[1]); }
  });
  if (asked.example !== undefined) { setExample(asked.example - 1); }
  if (asked.step !== undefined) { seek(asked.step - 1); }
}
