// Sorting and filtering of the ranking in place. The page works without this
// script: the filter form and the column links ask the server. When the
// whole result is on the page (data-whole="1"), the script does the same
// work here without a round trip; otherwise it leaves it to the server.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("board");
  if (!form || !table) { return; }
  var whole = form.getAttribute("data-whole") === "1";
  var body = table.tBodies[0];
  var sortState = { key: "", desc: false };

  function cellValue(row, index, numeric) {
    var v = row.cells[index].getAttribute("data-value") || "";
    if (!numeric) { return v.toLowerCase(); }
    return v === "" ? null : parseFloat(v);
  }

  function columnIndex(key) {
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      if (ths[i].getAttribute("data-key") === key) { return i; }
    }
    return -1;
  }

  function sortBy(key, desc) {
    var index = columnIndex(key);
    if (index < 0) { return; }
    var numeric = table.tHead.rows[0].cells[index].getAttribute("data-num") === "1";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      // Incomplete rows are never ranked against complete ones.
      if (key === "rank" || key === "average") {
        var ca = a.getAttribute("data-complete"), cb = b.getAttribute("data-complete");
        if (ca !== cb) { return ca === "1" ? -1 : 1; }
      }
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var c = x < y ? -1 : x > y ? 1 : 0;
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    sortState = { key: key, desc: desc };
  }

  function checked(name) {
    var out = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (el) {
      if (el.checked) { out.push(el.value); }
    });
    return out;
  }

  // rerank numbers the visible complete rows by average, ties sharing a rank.
  function rerank() {
    var avgIndex = columnIndex("average"), rankIndex = columnIndex("rank");
    var visible = Array.prototype.filter.call(body.rows, function (r) {
      return !r.hidden && r.getAttribute("data-complete") === "1";
    });
    var avgs = visible.map(function (r) { return cellValue(r, avgIndex, true); });
    visible.forEach(function (r, i) {
      var rank = 1;
      avgs.forEach(function (a) { if (a > avgs[i] + 1e-9) { rank++; } });
      r.cells[rankIndex].textContent = String(rank);
      r.cells[rankIndex].setAttribute("data-value", String(rank));
    });
    return visible.length;
  }

  function filterInPlace() {
    var buckets = checked("bucket"), types = checked("type");
    var verified = form.querySelector('input[name="verified"]').checked;
    var profile = form.querySelector('select[name="profile"]').value;
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = (buckets.length === 0 || buckets.indexOf(r.getAttribute("data-bucket")) >= 0) &&
        (types.length === 0 || types.indexOf(r.getAttribute("data-type")) >= 0) &&
        (!verified || r.getAttribute("data-verified") === "1") &&
        (profile === "" || r.getAttribute("data-profile") === profile);
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    rerank();
    var count = document.getElementById("count");
    if (count) { count.textContent = shown ? shown + " of " + body.rows.length + " rows match" : "No entries match these filters."; }
    var q = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", "/?" + q.toString());
  }

  form.addEventListener("change", function (ev) {
    var name = ev.target.name;
    // Rows the page does not hold (ablations, a text search) need the server.
    if (!whole || name === "ablations" || name === "q") { form.submit(); return; }
    filterInPlace();
  });

  table.tHead.addEventListener("click", function (ev) {
    var link = ev.target.closest("a");
    var th = ev.target.closest("th");
    if (!link || !th || !whole) { return; }
    ev.preventDefault();
    var key = th.getAttribute("data-key");
    var numeric = th.getAttribute("data-num") === "1";
    var desc = key === "rank" ? false : numeric;
    if (sortState.key === key) { desc = !sortState.desc; }
    sortBy(key, desc);
    table.tHead.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", desc ? "descending" : "ascending");
  });
})();
