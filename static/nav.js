// The main navigation folds behind a "Menu" button at phone width (the
// stylesheet decides when). Without this script the links simply wrap.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (!toggle || !nav) { return; }
  document.documentElement.classList.add("js-nav");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
