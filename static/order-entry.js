// Order entry, progressively enhanced: "Add a line" without a round trip,
// and live line and order totals for lines whose price the server showed.
// Without this script the form works the same through its buttons.
(function () {
  "use strict";
  var table = document.getElementById("lines");
  if (!table) { return; }
  var body = table.tBodies[0];
  var money = function (cents) {
    var s = (Math.abs(cents) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (cents < 0 ? "-" : "") + s;
  };
  var recalc = function () {
    var total = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var price = parseInt(row.getAttribute("data-price") || "", 10);
      var qtyInput = row.querySelector("input[name$='.quantity']");
      var cell = row.querySelector(".line-total");
      if (isNaN(price) || !qtyInput || !cell) { return; }
      var qty = parseInt(qtyInput.value, 10);
      var line = qty > 0 ? price * qty : 0;
      cell.textContent = qty > 0 ? money(line) : "";
      total += line;
    });
    var out = document.getElementById("order-total");
    if (out && body.querySelector("tr[data-price]")) { out.textContent = money(total); }
  };
  body.addEventListener("input", function (e) {
    var row = e.target.closest("tr");
    if (row && e.target.name && /\.sku$/.test(e.target.name)) {
      // A changed SKU has no known price until the server looks it up.
      row.removeAttribute("data-price");
      var cell = row.querySelector(".line-total");
      if (cell) { cell.textContent = ""; }
    }
    recalc();
  });
  var add = document.createElement("button");
  add.type = "button";
  add.className = "secondary";
  add.textContent = "Add a line";
  add.addEventListener("click", function () {
    var last = body.rows[body.rows.length - 1];
    var index = body.rows.length;
    var row = last.cloneNode(true);
    row.removeAttribute("data-price");
    row.className = "line";
    Array.prototype.forEach.call(row.querySelectorAll("input, label"), function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(/\d+/, String(index))); }
      });
      if (el.tagName === "LABEL") { el.textContent = el.textContent.replace(/\d+/, String(index + 1)); }
      if (el.tagName === "INPUT") { el.value = ""; }
    });
    Array.prototype.forEach.call(row.querySelectorAll("td:not(:first-child):not(:nth-child(2))"), function (td) {
      td.textContent = "";
    });
    body.appendChild(row);
    row.querySelector("input").focus();
  });
  table.parentNode.insertBefore(add, table.nextSibling);
  // The round-trip fallback is not needed when lines can be added here.
  var more = document.querySelector("button[value='more_lines']");
  if (more) { more.hidden = true; }
})();
