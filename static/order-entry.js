// Order entry, progressively enhanced: type-ahead for customers and products
// (from /orders/lookup/*, JSON), "Add a line" without a round trip, Enter in a
// quantity adds a line, and live totals priced by the server. Without this
// script the form works the same through its buttons.
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  var table = document.getElementById("lines");
  if (!form || !table) { return; }
  var body = table.tBodies[0];

  // Live totals: the form as typed, priced by the server (POST /orders/preview,
  // the same query and function as "Update totals"); this script formats or
  // adds up no money itself. The latest answer wins.
  var totals = document.getElementById("totals");
  var preview = { timer: 0, seq: 0 };
  var showPreview = function (answer) {
    var seen = {};
    Array.prototype.forEach.call(body.rows, function (row) {
      var skuInput = row.querySelector("input[name$='.sku']");
      var cell = row.querySelector(".line-total");
      if (!skuInput || !cell) { return; }
      var sku = skuInput.value.trim().toUpperCase();
      cell.textContent = sku && !seen[sku] && answer.lines[sku] ? answer.lines[sku] : "";
      seen[sku] = true;
    });
    if (totals) { totals.innerHTML = answer.panel; }
  };
  var recalc = function () {
    clearTimeout(preview.timer);
    preview.timer = setTimeout(function () {
      var seq = ++preview.seq;
      fetch("/orders/preview", {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json" },
        body: new URLSearchParams(new FormData(form))
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer && seq === preview.seq) { showPreview(answer); } })
        .catch(function () {});
    }, 250);
  };

  // One listbox, shown under whichever combobox is in use.
  var list = document.createElement("ul");
  list.id = "lookup-list";
  list.className = "lookup";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  form.appendChild(list);
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  form.appendChild(live);

  var state = { input: null, items: [], active: -1, timer: 0, seq: 0 };

  var close = function () {
    list.hidden = true;
    list.textContent = "";
    state.items = [];
    state.active = -1;
    if (state.input) {
      state.input.setAttribute("aria-expanded", "false");
      state.input.removeAttribute("aria-activedescendant");
    }
  };

  var setActive = function (i) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    state.active = (i + options.length) % options.length;
    Array.prototype.forEach.call(options, function (o, k) {
      o.setAttribute("aria-selected", k === state.active ? "true" : "false");
    });
    state.input.setAttribute("aria-activedescendant", options[state.active].id);
    options[state.active].scrollIntoView({ block: "nearest" });
  };

  var label = function (kind, item) {
    if (kind === "customers") { return item.name + " <" + item.email + "> (#" + item.id + ")"; }
    return item.sku + " \u2014 " + item.name + " \u00b7 " + item.price + " \u00b7 " + item.available + " available";
  };

  var show = function (kind, items) {
    list.textContent = "";
    state.items = items;
    state.active = -1;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "lookup-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = label(kind, item);
      if (item.note) {
        li.className = "unavailable";
        var note = document.createElement("strong");
        note.textContent = " (" + item.note + ")";
        li.appendChild(note);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "Nothing matches";
      list.appendChild(none);
    }
    // Fixed under the input, so no scrolling card clips it.
    var box = state.input.getBoundingClientRect();
    list.style.left = Math.max(0, Math.min(box.left, window.innerWidth - 260)) + "px";
    list.style.top = box.bottom + "px";
    list.style.width = Math.max(box.width, 240) + "px";
    list.hidden = false;
    state.input.setAttribute("aria-expanded", "true");
    live.textContent = items.length + (items.length === 1 ? " suggestion" : " suggestions");
  };

  var lookup = function (input) {
    var kind = input.getAttribute("data-lookup");
    var q = input.value.trim();
    if (!q) { close(); return; }
    var seq = ++state.seq;
    fetch("/orders/lookup/" + kind + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (seq === state.seq && state.input === input) { show(kind, items); } })
      .catch(function () { close(); });
  };

  // The customer's address book: one radio per address, the default checked;
  // the new address's fields show only while "A new address" is chosen.
  var newAddress = document.getElementById("new-address");
  var shipTo = function () {
    var checked = form.querySelector("input[name='ship_to']:checked");
    return checked ? checked.value : "new";
  };
  var showNewAddress = function () {
    var book = document.getElementById("ship-to-book");
    if (newAddress) { newAddress.hidden = !!book && !book.hidden && shipTo() !== "new"; }
  };
  // Whom the order bills: "the shipping address" (the first option), or
  // one of the book's addresses, the default for billing chosen.
  var offerBilling = function (addresses, none) {
    var wrap = document.getElementById("bill-to");
    var select = document.getElementById("bill_to");
    if (!wrap || !select) { return; }
    while (select.options.length > 1) { select.remove(1); }
    // "The shipping address" is a choice only beside a book: blank, the
    // server preselects the default of a customer picked later.
    select.options[0].value = none ? "" : "same";
    select.selectedIndex = 0;
    addresses.forEach(function (a) {
      var option = document.createElement("option");
      option.value = String(a.id);
      option.textContent = a.summary + (a.default_billing ? " (default for billing)" : "");
      select.appendChild(option);
      if (a.default_billing) { option.selected = true; }
    });
    wrap.hidden = none;
  };
  var offerAddresses = function (addresses) {
    var book = document.getElementById("ship-to-book");
    var choices = document.getElementById("ship-to-choices");
    if (!book || !choices) { return; }
    choices.textContent = "";
    var chosen = null;
    (addresses || []).forEach(function (a) {
      var div = document.createElement("div");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "ship_to";
      radio.id = "ship-to-" + a.id;
      radio.value = String(a.id);
      var label = document.createElement("label");
      label.htmlFor = radio.id;
      label.style.display = "inline";
      label.textContent = a.summary + (a.default_shipping ? " (default)" : "");
      div.appendChild(radio);
      div.appendChild(document.createTextNode(" "));
      div.appendChild(label);
      choices.appendChild(div);
      if (!chosen || a.default_shipping) { chosen = radio; }
    });
    var none = !addresses || !addresses.length;
    book.hidden = none;
    offerBilling(addresses || [], none);
    var fresh = document.getElementById("ship-to-new");
    if (chosen) { chosen.checked = true; } else if (fresh) { fresh.checked = true; }
    showNewAddress();
  };
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "ship_to") { showNewAddress(); }
  });
  showNewAddress();

  var chooseCustomer = function (input, c) {
    offerAddresses(c.addresses);
    document.getElementById("customer_id").value = String(c.id);
    input.value = c.name;
    var chosen = document.getElementById("customer-chosen");
    chosen.textContent = "Ordering for ";
    var strong = document.createElement("strong");
    strong.textContent = c.name;
    chosen.appendChild(strong);
    chosen.appendChild(document.createTextNode(" <" + c.email + "> (#" + c.id + ")"));
  };

  var chooseProduct = function (input, p) {
    var row = input.closest("tr");
    input.value = p.sku;
    row.cells[3].textContent = p.name + " (" + p.available + " available)";
    if (p.note) {
      var note = document.createElement("p");
      note.className = "error";
      note.textContent = p.sku + " is " + p.note;
      row.cells[3].appendChild(note);
    }
    row.cells[4].textContent = p.price;
    var qty = row.querySelector("input[name$='.quantity']");
    if (!qty.value) { qty.value = "1"; }
    recalc();
    qty.focus();
    qty.select();
  };

  var choose = function (i) {
    var input = state.input, item = state.items[i];
    if (!input || !item) { return; }
    close();
    if (input.getAttribute("data-lookup") === "customers") { chooseCustomer(input, item); } else { chooseProduct(input, item); }
  };

  var enhance = function (input) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "lookup-list");
  };
  Array.prototype.forEach.call(form.querySelectorAll("input[data-lookup]"), enhance);

  form.addEventListener("input", function (e) {
    var input = e.target;
    if (input.hasAttribute("data-lookup")) {
      if (state.input !== input) { close(); state.input = input; }
      if (input.getAttribute("data-lookup") === "products") {
        // A changed product has no known price until the server prices it.
        input.closest("tr").querySelector(".line-total").textContent = "";
      }
      clearTimeout(state.timer);
      state.timer = setTimeout(function () { lookup(input); }, 150);
    }
    recalc();
  });
  form.addEventListener("change", function (e) {
    if (e.target.tagName === "SELECT") { recalc(); }
  });

  form.addEventListener("keydown", function (e) {
    var input = e.target;
    var open = !list.hidden && state.input === input;
    if (input.hasAttribute && input.hasAttribute("data-lookup")) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!open) { state.input = input; lookup(input); return; }
        e.preventDefault();
        setActive(state.active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && open) {
        e.preventDefault();
        choose(state.active >= 0 ? state.active : 0);
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        close();
      }
    } else if (e.key === "Enter" && input.name && /^lines\[\d+\]\.quantity$/.test(input.name)) {
      // Enter in a quantity: on to the next line (a new one after the last)
      // rather than submitting the order.
      e.preventDefault();
      var next = input.closest("tr").nextElementSibling;
      if (next) { next.querySelector("input").focus(); } else { addLine(); }
    }
  });

  form.addEventListener("focusout", function (e) {
    if (e.target === state.input) { setTimeout(close, 100); }
  });
  window.addEventListener("resize", close);
  window.addEventListener("scroll", function (e) { if (e.target !== list) { close(); } }, true);

  var addLine = function () {
    var last = body.rows[body.rows.length - 1];
    var index = body.rows.length;
    var row = last.cloneNode(true);
    row.className = "line";
    Array.prototype.forEach.call(row.querySelectorAll(".error"), function (el) { el.remove(); });
    Array.prototype.forEach.call(row.querySelectorAll("td"), function (td) { td.classList.remove("invalid"); });
    Array.prototype.forEach.call(row.querySelectorAll("input, label"), function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(/\d+/, String(index))); }
      });
      if (el.tagName === "LABEL") { el.textContent = el.textContent.replace(/\d+/, String(index + 1)); }
      if (el.tagName === "INPUT") {
        el.value = "";
        el.removeAttribute("autofocus");
        el.removeAttribute("aria-activedescendant");
        if (el.hasAttribute("data-lookup")) { el.setAttribute("aria-expanded", "false"); }
      }
    });
    Array.prototype.forEach.call(row.querySelectorAll("td:nth-child(n+4)"), function (td) {
      td.textContent = "";
    });
    body.appendChild(row);
    row.querySelector("input").focus();
  };

  var add = document.createElement("button");
  add.type = "button";
  add.className = "secondary";
  add.textContent = "Add a line";
  add.addEventListener("click", addLine);
  table.parentNode.insertBefore(add, table.nextSibling);
  // The round-trip fallback is not needed when lines can be added here.
  var more = document.querySelector("button[value='more_lines']");
  if (more) { more.hidden = true; }
})();
