// The review screen, keyboard-first: Enter saves (accepts when unchanged), typing corrects,
// Tab / Shift+Tab go to the next / previous doubtful field, arrows to any field, Esc undoes the
// typing, Alt+N opens the next record. The crop of the focused field is shown beside it.
(function () {
  "use strict";
  var root = document.querySelector(".review");
  if (!root) { return; }
  var items = Array.prototype.slice.call(root.querySelectorAll("li.field"));
  var inputs = items.map(function (li) { return li.querySelector("input[name=value]"); });
  var crop = document.getElementById("crop");
  var hint = document.getElementById("crop-hint");

  function show(li) {
    items.forEach(function (x) { x.classList.remove("current"); });
    li.classList.add("current");
    if (li.dataset.crop) {
      crop.src = li.dataset.crop;
      crop.hidden = false;
      hint.textContent = "";
    } else {
      crop.hidden = true;
      crop.removeAttribute("src");
      hint.textContent = "Không có vị trí trên trang · no box on the page for this field";
    }
  }

  function go(i) {
    inputs[i].focus();
    inputs[i].select();
  }

  function move(from, step, doubtfulOnly) {
    var n = inputs.length;
    for (var k = 1; k <= n; k++) {
      var j = (((from + step * k) % n) + n) % n;
      if (!doubtfulOnly || items[j].classList.contains("doubtful")) { go(j); return true; }
    }
    return false;
  }

  inputs.forEach(function (input, i) {
    input.addEventListener("focus", function () { show(items[i]); });
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey && (e.key === "n" || e.key === "N")) {
      var next = document.getElementById("next-record");
      if (next) { e.preventDefault(); window.location.assign(next.href); }
      return;
    }
    var i = inputs.indexOf(document.activeElement);
    if (i < 0) { return; }
    if (e.key === "Tab") {
      e.preventDefault();
      var step = e.shiftKey ? -1 : 1;
      if (!move(i, step, true)) { move(i, step, false); }
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      move(i, 1, false);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      move(i, -1, false);
    } else if (e.key === "Escape") {
      inputs[i].value = inputs[i].dataset.original;
      inputs[i].select();
    }
  });

  var want = root.dataset.focus;
  var start = items.findIndex(function (li) { return li.dataset.key === want; });
  if (start < 0) { start = items.findIndex(function (li) { return li.classList.contains("doubtful"); }); }
  if (start < 0) { start = 0; }
  if (inputs[start]) { go(start); }
})();
