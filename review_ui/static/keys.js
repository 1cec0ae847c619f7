// Shortcuts on every page: Alt+Q the review queue, Alt+B the books (when the menu has them).
(function () {
  "use strict";
  var targets = { q: "/queue", b: "/books" };
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) { return; }
    var path = targets[e.key.toLowerCase()];
    if (!path) { return; }
    var link = document.querySelector('header nav a[href="' + path + '"]');
    if (link) { e.preventDefault(); window.location.assign(link.href); }
  });
})();
