// The books page refreshes its tables every two seconds while a book is being digitized.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.dataset.live !== "on") { return; }
  function tick() {
    fetch("/books/progress", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        box.innerHTML = html;
        var table = box.querySelector("table.books");
        if (table && table.dataset.running === "yes") { setTimeout(tick, 2000); }
        else { box.dataset.live = "off"; }
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 2000);
})();
