// Civic map: areas, CVR projects and activities (from the page), alerts (from the API), as plain SVG.
// No tiles and no CDN: works offline on a base laptop. Coordinates are area centroids only.
(function () {
  "use strict";
  var el = document.getElementById("civic-map");
  if (!el) { return; }
  var units = JSON.parse(document.getElementById("map-units").textContent);
  var features = JSON.parse(document.getElementById("map-features").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = 800, H = 560, PAD = 40;
  var pts = units.concat(features);
  if (!pts.length) { el.textContent = el.dataset.empty; return; }
  var lats = pts.map(function (p) { return p.lat; }), lons = pts.map(function (p) { return p.lon; });
  var minLat = Math.min.apply(null, lats) - 0.3, maxLat = Math.max.apply(null, lats) + 0.3;
  var minLon = Math.min.apply(null, lons) - 0.3, maxLon = Math.max.apply(null, lons) + 0.3;
  var scale = Math.min((W - 2 * PAD) / (maxLon - minLon), (H - 2 * PAD) / (maxLat - minLat));
  function x(lon) { return PAD + (lon - minLon) * scale; }
  function y(lat) { return H - PAD - (lat - minLat) * scale; }
  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", el.dataset.label);
  function add(tag, attrs, title) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (title) { var t = document.createElementNS(NS, "title"); t.textContent = title; node.appendChild(t); }
    svg.appendChild(node);
    return node;
  }
  units.forEach(function (u) {
    add("circle", {cx: x(u.lon), cy: y(u.lat), r: u.level <= 1 ? 4 : 3, "class": "unit"}, u.name + " (" + u.pcode + ")");
    if (u.level <= 2) { add("text", {x: x(u.lon) + 6, y: y(u.lat) - 6}).textContent = u.name; }
  });
  features.forEach(function (f) {
    if (f.type === "cvr") {
      add("rect", {x: x(f.lon) - 6, y: y(f.lat) + 4, width: 12, height: 12, "class": "cvr", "data-feature": "cvr"},
          f.title + " (" + f.status + ")");
    } else {
      add("circle", {cx: x(f.lon) - 10, cy: y(f.lat), r: 4 + Math.sqrt(f.count) * 2, "class": "acts", "data-feature": "activities"},
          f.title + ": " + f.count);
    }
  });
  el.appendChild(svg);
  if (el.dataset.alerts !== "1") { return; }
  // Alerts of the same areas, counted per admin unit; each placed at the deepest known unit.
  fetch("/api/v1/alerts?limit=1000", {credentials: "same-origin"}).then(function (r) {
    return r.ok ? r.json() : {items: []};
  }).then(function (data) {
    var byCode = {};
    (data.items || []).forEach(function (a) { byCode[a.admin_pcode] = (byCode[a.admin_pcode] || 0) + 1; });
    var placed = {};
    Object.keys(byCode).forEach(function (code) {
      var best = null;
      units.forEach(function (u) { if (code.indexOf(u.pcode) === 0 && (!best || u.pcode.length > best.pcode.length)) { best = u; } });
      if (best) { placed[best.pcode] = placed[best.pcode] || {u: best, n: 0}; placed[best.pcode].n += byCode[code]; }
    });
    Object.keys(placed).forEach(function (k) {
      var p = placed[k];
      add("circle", {cx: x(p.u.lon) + 10, cy: y(p.u.lat), r: 4 + Math.sqrt(p.n) * 2, "class": "alerts", "data-feature": "alerts"},
          p.u.name + ": " + p.n + " " + el.dataset.alertsLabel);
    });
  }).catch(function () {});
})();
