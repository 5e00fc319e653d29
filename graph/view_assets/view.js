// rightsgraph network view. All text from the sources reaches the page through textContent or
// attribute setters, never through innerHTML: names, quotes and titles come from articles.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("rg-data").textContent);
  var api = window.rightsgraph = { data: data, stable: false, stableAt: null, startedAt: performance.now() };

  function $(id) { return document.getElementById(id); }

  function el(tag, props, children) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === "text") { e.textContent = props[k]; }
        else if (k === "className") { e.className = props[k]; }
        else { e.setAttribute(k, props[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // --- partial dates: YYYY, YYYY-MM or YYYY-MM-DD, as the first or the last day they cover ---
  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function dateBound(text, end) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
    if (!m) { return null; }
    var y = +m[1], mo = m[2] ? +m[2] : (end ? 12 : 1);
    if (mo < 1 || mo > 12) { return null; }
    var d = m[3] ? +m[3] : (end ? daysIn(y, mo) : 1);
    if (d < 1 || d > daysIn(y, mo)) { return null; }
    return m[1] + "-" + pad(mo) + "-" + pad(d);
  }

  // --- the network ---
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = $("rg-network");
  var network = new vis.Network(container, { nodes: [], edges: [] }, data.options);
  api.network = network; api.nodes = nodes; api.edges = edges;

  // Lay out with a bounded number of iterations, then switch physics off: a large graph stays usable.
  network.on("stabilizationProgress", function (p) {
    $("rg-status").textContent = "Laying out the network… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    api.stable = true;
    api.stableAt = performance.now();
    document.body.setAttribute("data-stable", "true");
    updateCounts();
  });
  network.setData({ nodes: nodes, edges: edges });
  if (data.nodes.length === 0) {
    api.stable = true; api.stableAt = performance.now();
    document.body.setAttribute("data-stable", "true");
    $("rg-status").textContent = "Nothing to show: no claim links two entities in this selection.";
  }

  // --- incidence, for the filters and the entity panel ---
  var incident = {};
  data.nodes.forEach(function (n) { incident[n.id] = []; });
  data.edges.forEach(function (e) { incident[e.from].push(e.id); if (e.to !== e.from) { incident[e.to].push(e.id); } });

  // --- legend and type filter ---
  var typeOn = {};
  function swatch(shape, colour) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16"); svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var s;
    var pts = {
      triangle: "8,1.5 15,14 1,14", triangleDown: "1,2 15,2 8,14.5", diamond: "8,1 15,8 8,15 1,8",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,1 9.9,6 15,6 10.9,9.2 12.5,14.5 8,11.3 3.5,14.5 5.1,9.2 1,6 6.1,6"
    };
    if (shape === "square") { s = document.createElementNS(ns, "rect"); s.setAttribute("x", "2"); s.setAttribute("y", "2"); s.setAttribute("width", "12"); s.setAttribute("height", "12"); }
    else if (pts[shape]) { s = document.createElementNS(ns, "polygon"); s.setAttribute("points", pts[shape]); }
    else { s = document.createElementNS(ns, "circle"); s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6.5"); }
    s.setAttribute("fill", colour); s.setAttribute("stroke", "#555"); s.setAttribute("stroke-width", "0.6");
    svg.appendChild(s);
    return svg;
  }
  data.legend.forEach(function (t) {
    typeOn[t.type] = true;
    var box = el("input", { type: "checkbox", "data-type": t.type });
    box.checked = true;
    box.addEventListener("change", function () { typeOn[t.type] = box.checked; applyFilters(); });
    $("rg-legend").appendChild(el("label", { className: "rg-type" },
      [box, swatch(t.shape, t.color), el("span", { text: t.type }), el("span", { className: "rg-count", text: String(t.count) })]));
  });
  function setAllTypes(on) {
    Array.prototype.forEach.call($("rg-legend").querySelectorAll("input[type=checkbox]"), function (b) {
      b.checked = on; typeOn[b.getAttribute("data-type")] = on;
    });
    applyFilters();
  }
  $("rg-types-all").addEventListener("click", function () { setAllTypes(true); });
  $("rg-types-none").addEventListener("click", function () { setAllTypes(false); });

  // --- date filter: a claim is shown when the days it may refer to overlap the range ---
  var range = { from: null, to: null };
  if (data.dateRange) { $("rg-date-hint").textContent = "Claims from " + data.dateRange[0] + " to " + data.dateRange[1] + "."; }
  function readDates() {
    [["rg-date-from", "from", false], ["rg-date-to", "to", true]].forEach(function (f) {
      var input = $(f[0]), text = input.value.trim();
      var bound = text === "" ? null : dateBound(text, f[2]);
      input.setAttribute("aria-invalid", text !== "" && bound === null ? "true" : "false");
      if (text === "" || bound !== null) { range[f[1]] = bound; }
    });
    applyFilters();
  }
  $("rg-date-from").addEventListener("input", readDates);
  $("rg-date-to").addEventListener("input", readDates);

  var visible = { nodes: {}, edges: {} };
  function edgeInRange(id) {
    var span = data.edgeMeta[id] && data.edgeMeta[id].span;
    if (!range.from && !range.to) { return true; }
    if (!span) { return false; }
    return !(range.from && span[1] < range.from) && !(range.to && span[0] > range.to);
  }
  function applyFilters() {
    var dated = {}, nodeUpdates = [], edgeUpdates = [];
    data.edges.forEach(function (e) { dated[e.id] = edgeInRange(e.id); });
    data.nodes.forEach(function (n) {
      var type = data.entities[n.id].type;
      var links = incident[n.id];
      var show = typeOn[type] !== false && (links.length === 0 || links.some(function (id) { return dated[id]; }));
      if (visible.nodes[n.id] !== show) { nodeUpdates.push({ id: n.id, hidden: !show }); }
      visible.nodes[n.id] = show;
    });
    data.edges.forEach(function (e) {
      var show = dated[e.id] && visible.nodes[e.from] && visible.nodes[e.to];
      if (visible.edges[e.id] !== show) { edgeUpdates.push({ id: e.id, hidden: !show }); }
      visible.edges[e.id] = show;
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    updateCounts();
  }
  api.applyFilters = applyFilters;
  api.visible = visible;
  data.nodes.forEach(function (n) { visible.nodes[n.id] = true; });
  data.edges.forEach(function (e) { visible.edges[e.id] = true; });

  function updateCounts() {
    var vn = data.nodes.filter(function (n) { return visible.nodes[n.id]; }).length;
    var ve = data.edges.filter(function (e) { return visible.edges[e.id]; }).length;
    $("rg-counts").textContent = "Showing " + vn + " of " + plural(data.nodes.length, "entity").replace("entitys", "entities") +
      " and " + ve + " of " + plural(data.edges.length, "claim") + ".";
    if (api.stable) { $("rg-status").textContent = "Click an entity or a link for its evidence."; }
  }
  $("rg-size-note").textContent = "Node size: " + data.sizeBy + ".";

  // --- search by name or alias ---
  var names = [];
  data.nodes.forEach(function (n) {
    var ent = data.entities[n.id];
    [ent.label].concat(ent.aliases).forEach(function (name) { names.push({ key: name.toLowerCase(), name: name, id: n.id }); });
  });
  names.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : (a.id < b.id ? -1 : 1); });
  var seenNames = {};
  names.forEach(function (x) {
    if (!seenNames[x.name]) { seenNames[x.name] = true; $("rg-names").appendChild(el("option", { value: x.name })); }
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var tests = [
      function (x) { return x.key === q; },
      function (x) { return x.key.indexOf(q) === 0; },
      function (x) { return x.key.indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i++) {
      var hit = names.filter(tests[i])[0];
      if (hit) { return hit.id; }
    }
    return null;
  }
  function focusOn(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    showEntity(id);
  }
  function search(query) {
    var id = find(query), msg = $("rg-search-message");
    if (id === null) { msg.textContent = "No entity is called “" + query.trim() + "”."; return null; }
    msg.textContent = visible.nodes[id] ? "" : data.entities[id].label + " is hidden by the filters.";
    focusOn(id);
    return id;
  }
  api.search = search;
  $("rg-search").addEventListener("submit", function (ev) { ev.preventDefault(); search($("rg-search-input").value); });

  // --- the evidence panel ---
  function entityName(id) {
    var ent = data.entities[id];
    if (!ent) { return el("span", { text: id }); }
    var span = el("span", { className: "rg-entity", text: ent.label, role: "link", tabindex: "0" });
    span.addEventListener("click", function () { focusOn(id); });
    span.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { focusOn(id); } });
    return span;
  }
  function claimBlock(cid, edge) {
    var c = data.claims[cid];
    var box = el("div", { className: "rg-claim", "data-claim": cid });
    var subject = c ? c.subject : edge.from, object = c ? c.object : edge.to;
    var label = c ? c.label : edge.label;
    var target = c && c.value !== null && c.value !== undefined ? el("span", { text: String(c.value) }) : entityName(object);
    box.appendChild(el("div", { className: "rg-statement" }, [entityName(subject), " " + label + " ", target]));
    if (!c) { box.appendChild(el("p", { className: "rg-meta", text: "No evidence was found for this claim in the build." })); return box; }
    var meta = [];
    if (c.role) { meta.push("as " + c.role); }
    if (c.dates.length) { meta.push("dated " + c.dates.join(", ")); }
    meta.push("supported by " + plural(c.support, "document"));
    box.appendChild(el("p", { className: "rg-meta", text: meta.join(" · ") }));
    if (c.according_to) {
      var who = data.entities[c.according_to] ? data.entities[c.according_to].label : c.according_to;
      box.appendChild(el("p", { className: "rg-alleged", text: "According to " + who + ": an allegation, not an established fact." }));
    }
    c.evidence.forEach(function (e) {
      var doc = data.documents[e.document] || { title: e.document, publisher: "", date: "", url: "" };
      box.appendChild(el("blockquote", { className: "rg-quote", text: e.quote }));
      var title = doc.url && /^https?:\/\//i.test(doc.url)
        ? el("a", { href: doc.url, target: "_blank", rel: "noopener noreferrer nofollow", text: doc.title })
        : el("span", { text: doc.title });
      var bits = [doc.publisher, doc.date].filter(Boolean).join(", ");
      box.appendChild(el("p", { className: "rg-source" }, [
        title, bits ? " — " + bits : "", e.source ? el("span", { className: "rg-file", text: " (" + e.source + ")" }) : null
      ]));
    });
    return box;
  }
  function clearPanel() {
    var body = $("rg-panel-body");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    $("rg-panel-empty").hidden = false;
    return body;
  }
  function byDate(a, b) {
    var ca = data.claims[a], cb = data.claims[b];
    var da = ca && ca.dates.length ? ca.dates[0] : "9999", db = cb && cb.dates.length ? cb.dates[0] : "9999";
    return da < db ? -1 : da > db ? 1 : (a < b ? -1 : a > b ? 1 : 0);
  }
  function showEntity(id) {
    var body = clearPanel(), ent = data.entities[id];
    $("rg-panel-empty").hidden = true;
    body.appendChild(el("h2", { text: ent.label }));
    body.appendChild(el("p", { className: "rg-meta", text: ent.type + (ent.aliases.length ? " · also: " + ent.aliases.join(", ") : "") }));
    var facts = data.facts[id] || [];
    if (facts.length) {
      body.appendChild(el("h3", { text: "Facts" }));
      facts.slice().sort(byDate).forEach(function (cid) { body.appendChild(claimBlock(cid, null)); });
    }
    var links = incident[id].filter(function (eid) { return visible.edges[eid]; }).sort(byDate);
    body.appendChild(el("h3", { text: "Claims (" + links.length + ")" }));
    links.forEach(function (eid) { body.appendChild(claimBlock(eid, edges.get(eid))); });
    api.shown = { node: id };
  }
  function showEdge(id) {
    var body = clearPanel();
    $("rg-panel-empty").hidden = true;
    body.appendChild(el("h2", { text: "Claim" }));
    body.appendChild(claimBlock(id, edges.get(id)));
    api.shown = { edge: id };
  }
  api.showEntity = showEntity; api.showEdge = showEdge;
  network.on("click", function (p) {
    if (p.nodes.length) { showEntity(p.nodes[0]); }
    else if (p.edges.length) { showEdge(p.edges[0]); }
    else { clearPanel(); api.shown = null; }
  });
  updateCounts();
})();
