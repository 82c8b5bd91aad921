// The review station's script: it places each field's word box over its page image and
// shows which box belongs to the field being edited. The pages work without it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // data-box holds x0 y0 x1 y1 as fractions of the page.
  document.querySelectorAll(".box[data-box]").forEach(function (el) {
    var b = el.dataset.box.split(" ").map(Number);
    if (b.length !== 4 || b.some(isNaN)) {
      return;
    }
    el.style.left = b[0] * 100 + "%";
    el.style.top = b[1] * 100 + "%";
    el.style.width = (b[2] - b[0]) * 100 + "%";
    el.style.height = (b[3] - b[1]) * 100 + "%";
  });

  function show(id, scroll) {
    document.querySelectorAll(".box.active").forEach(function (el) {
      el.classList.remove("active");
    });
    var first = null;
    document.querySelectorAll('.box[data-field="' + id + '"]').forEach(function (el) {
      el.classList.add("active");
      first = first || el;
    });
    if (first && scroll) {
      first.scrollIntoView({block: "center", behavior: "smooth"});
    }
  }

  document.querySelectorAll("input[data-field]").forEach(function (input) {
    input.addEventListener("focus", function () {
      show(input.dataset.field, true);
    });
  });
  var focused = document.activeElement;
  if (focused && focused.dataset && focused.dataset.field) {
    show(focused.dataset.field, true);
  }
});
