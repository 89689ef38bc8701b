/* The lesson player, part 1 of 7: the data, the player's state, and small helpers.
   The seven player-*.js parts run in one scope, in the order of engine/lesson/page.py JS_FILES. */

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
