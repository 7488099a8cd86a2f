// The dashboard updates itself every minute while it is visible, unless the
// user pauses it (WCAG 2.2.1: timing adjustable; the choice is kept for the
// tab). Without JavaScript the page simply does not update by itself.
(function () {
  var box = document.querySelector(".auto-update");
  if (!box) return;
  var every = (parseInt(box.getAttribute("data-every"), 10) || 60) * 1000;
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  var key = "orderdesk.autoUpdatePaused";
  var paused = sessionStorage.getItem(key) === "1";
  function show() {
    button.textContent = paused ? "Resume auto-update" : "Pause auto-update";
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    status.textContent = paused ? "Auto-update paused." : "Updates every minute.";
  }
  button.addEventListener("click", function () {
    paused = !paused;
    sessionStorage.setItem(key, paused ? "1" : "0");
    show();
  });
  setInterval(function () {
    if (!paused && document.visibilityState === "visible") location.reload();
  }, every);
  box.hidden = false;
  show();
})();
