// Printables: the "Print" button opens the browser's print dialog. Without
// this script the button stays hidden; the browser's own Print works the same.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
