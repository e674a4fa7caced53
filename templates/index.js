/* Optional: search, sort and page through every project of the index, offline. The rows
   come from the JSON data in this page (#project-data), never from a server. Without this
   script the page lists its projects by name and links to the next pages. */
(function () {
  "use strict";
  var source = document.getElementById("project-data");
  var table = document.getElementById("projects");
  if (!source || !table || !table.tHead || !table.tBodies.length) return;
  var data = JSON.parse(source.textContent);
  var all = data.rows;
  all.forEach(function (item, position) { item.position = position; });  // the order by name
  var size = data.pageSize > 0 ? data.pageSize : 200;
  var NAME = 0, URL = 1, SCORE = 2, BAND = 3, SNAP = 4, WEEK = 5, SPARK = 6, FINDINGS = 7,
    PACKAGES = 8, LAST = 9, STATUS = 10;
  var BANDS = ["none", "low", "medium", "high", "critical", "malicious"];
  // the field each column sorts by (null: not sortable), in the order of the headers
  var COLUMNS = [NAME, SCORE, BAND, SNAP, WEEK, null, FINDINGS, PACKAGES, LAST, STATUS];
  var view = { query: "", column: 0, ascending: true, page: 0 };
  var SVG = "http://www.w3.org/2000/svg";

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function number(value) {
    var text = Number.isInteger(value) ? String(value) : value.toFixed(1);
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  function trend(delta, what) {
    var span = element("span", "trend");
    var arrow = null, shown = "", hidden = "";
    if (delta === null) {
      span.className += " none"; shown = "\u2013"; hidden = " no " + what + " to compare with";
    } else if (delta === 0) {
      span.className += " same"; arrow = "\u2192"; shown = " 0"; hidden = " unchanged since the " + what;
    } else if (delta > 0) {
      span.className += " up"; arrow = "\u25b2"; shown = " +" + number(delta); hidden = " worse than the " + what;
    } else {
      span.className += " down"; arrow = "\u25bc"; shown = " " + number(delta); hidden = " better than the " + what;
    }
    if (arrow) {
      var mark = element("span", "", arrow);
      mark.setAttribute("aria-hidden", "true");
      span.appendChild(mark);
    }
    span.appendChild(document.createTextNode(shown));
    span.appendChild(element("span", "vh", hidden));
    return span;
  }
  function round(value) {
    var text = value.toFixed(1);
    return text.slice(-2) === ".0" ? text.slice(0, -2) : text;
  }
  function spark(values) {  // the same drawing as charts.sparkline
    if (!values.length) return document.createTextNode("");
    var width = 96, height = 24, pad = 2;
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var span = (high - low) || 1, step = (width - 2 * pad) / Math.max(1, values.length - 1);
    var points = values.map(function (v, i) {
      var level = high === low ? 0.5 : (v - low) / span;
      return round(pad + i * step) + "," + round(height - pad - level * (height - 2 * pad));
    });
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "risk over the last " + values.length + " weeks");
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", "s-risk line");
    line.setAttribute("points", points.join(" "));
    svg.appendChild(line);
    return svg;
  }
  function cell(content, className) {
    var td = element("td", className);
    if (typeof content === "string") td.textContent = content; else td.appendChild(content);
    return td;
  }
  function row(item) {
    var tr = element("tr");
    var head = element("th");
    head.setAttribute("scope", "row");
    if (item[URL]) {
      var a = element("a", "", item[NAME]);
      a.setAttribute("href", item[URL]);
      head.appendChild(a);
    } else {
      head.textContent = item[NAME];
    }
    tr.appendChild(head);
    tr.appendChild(cell(number(item[SCORE]), "num"));
    tr.appendChild(cell(element("span", "badge band " + item[BAND], item[BAND])));
    tr.appendChild(cell(trend(item[SNAP], "previous snapshot")));
    tr.appendChild(cell(trend(item[WEEK], "previous week")));
    tr.appendChild(cell(spark(item[SPARK])));
    tr.appendChild(cell(number(item[FINDINGS]), "num"));
    tr.appendChild(cell(number(item[PACKAGES]), "num"));
    tr.appendChild(cell(item[LAST]));
    tr.appendChild(cell(item[STATUS]));
    return tr;
  }
  function key(item, field) {
    var value = item[field];
    if (field === NAME) return item.position;  // as the pages are sorted, by the server
    if (field === BAND) return BANDS.indexOf(value);
    if (typeof value === "string") return value.toLowerCase();
    return value;
  }
  function compare(a, b) {
    var field = COLUMNS[view.column];
    var x = key(a, field), y = key(b, field);
    if (x === null || y === null) {  // nothing to compare with: last, whatever the order
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * (view.ascending ? 1 : -1);
    }
    return a.position - b.position;
  }

  var wrap = table.parentNode;
  var tools = element("div", "index-tools");
  var label = element("label", "", "Search projects ");
  var search = element("input");
  search.type = "search";
  search.id = "project-search";
  search.setAttribute("autocomplete", "off");
  label.appendChild(search);
  var status = element("p", "muted");
  status.id = "project-status";
  status.setAttribute("aria-live", "polite");
  tools.appendChild(label);
  tools.appendChild(status);
  wrap.parentNode.insertBefore(tools, wrap);
  Array.prototype.forEach.call(document.querySelectorAll("nav.pager"), function (nav) {
    nav.hidden = true;
  });
  var pager = element("nav", "pager");
  pager.id = "project-pager";
  pager.setAttribute("aria-label", "Pages of projects");
  var previous = element("button", "", "\u2190 previous");
  var position = element("span");
  var next = element("button", "", "next \u2192");
  previous.type = next.type = "button";
  pager.appendChild(previous);
  pager.appendChild(position);
  pager.appendChild(next);
  wrap.parentNode.insertBefore(pager, wrap.nextSibling);

  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, column) {
    if (COLUMNS[column] === null) return;
    var button = element("button", "sort");
    button.type = "button";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      view.ascending = view.column === column ? !view.ascending : column === 0;
      view.column = column;
      view.page = 0;
      show();
    });
  });

  function show() {
    var query = view.query;
    var found = all.filter(function (item) {
      return item[NAME].toLowerCase().indexOf(query) !== -1;
    });
    found.sort(compare);
    var pages = Math.max(1, Math.ceil(found.length / size));
    view.page = Math.min(view.page, pages - 1);
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    found.slice(view.page * size, (view.page + 1) * size).forEach(function (item) {
      body.appendChild(row(item));
    });
    Array.prototype.forEach.call(heads, function (th, column) {
      if (column === view.column) {
        th.setAttribute("aria-sort", view.ascending ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    status.textContent = query
      ? found.length + " of " + all.length + " projects match"
      : all.length + (all.length === 1 ? " project" : " projects");
    position.textContent = "page " + (view.page + 1) + " of " + pages;
    previous.disabled = view.page === 0;
    next.disabled = view.page >= pages - 1;
    pager.hidden = pages < 2;
  }
  search.addEventListener("input", function () {
    view.query = search.value.trim().toLowerCase();
    view.page = 0;
    show();
  });
  previous.addEventListener("click", function () { view.page -= 1; show(); });
  next.addEventListener("click", function () { view.page += 1; show(); });
  show();
})();
