// Board: countdowns tick every second between polls; the map shows open alerts in simple grid
// clusters (one marker per 0.5° cell, with a count). Works offline: no tiles unless configured.
(function () {
  "use strict";
  function fmt(ms) {
    var s = Math.abs(Math.round(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (ms < 0 ? "-" : "") + (h ? h + "h" : "") + (m < 10 && h ? "0" : "") + m + "m" + (sec < 10 ? "0" : "") + sec + "s";
  }
  function tick() {
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.due) - Date.now();
      el.textContent = fmt(left);
      el.classList.toggle("due-late", left < 0);
    });
  }
  var map = null, layer = null;
  function draw() {
    var box = document.getElementById("board-map");
    if (!box || typeof L === "undefined") return;
    if (!map) {
      map = L.map(box).setView([6.6, 20.9], 5);
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    var cells = {};
    document.querySelectorAll("#board tr[data-lat]").forEach(function (row) {
      var lat = parseFloat(row.dataset.lat), lon = parseFloat(row.dataset.lon);
      if (isNaN(lat) || isNaN(lon)) return;
      var key = Math.floor(lat * 2) + ":" + Math.floor(lon * 2);
      var c = cells[key] || (cells[key] = { lat: 0, lon: 0, refs: [] });
      c.lat += lat; c.lon += lon; c.refs.push(row.dataset.ref);
    });
    Object.keys(cells).forEach(function (k) {
      var c = cells[k], n = c.refs.length;
      L.circleMarker([c.lat / n, c.lon / n], { radius: 6 + Math.min(n, 20) })
        .bindTooltip(n + " · " + c.refs.slice(0, 5).join(", "))
        .addTo(layer);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick(); draw();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", function () { tick(); draw(); });
  });
})();
