// The orders list's bulk form, enhanced: "All on this page" checks (and
// unchecks) every order's box, and a box unchecked by hand clears it again.
// Without this script the server reads the "all on this page" box itself.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  var all = document.getElementById("all_on_page");
  if (!form || !all) { return; }
  var boxes = form.querySelectorAll("input[name='ids']");
  all.addEventListener("change", function () {
    Array.prototype.forEach.call(boxes, function (b) { b.checked = all.checked; });
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "ids" && !e.target.checked) { all.checked = false; }
  });
})();
