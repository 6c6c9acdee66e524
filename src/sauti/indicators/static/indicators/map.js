// Shades areas by an indicator (copied from warning/map.js: same properties) from the gazetteer's own polygons (offline); a tile layer only when
// the server has one configured (SAUTI_MAP_TILE_URL).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("indicator-map");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { attributionControl: true });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#333", weight: f.properties.adm_level === 1 ? 1.5 : 0.8,
                   fillColor: f.properties.colour, fillOpacity: 0.6 };
        },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 9, color: "#333", weight: 1,
                                         fillColor: f.properties.colour, fillOpacity: 0.85 });
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.name + " (" + f.properties.pcode + "): " + f.properties.risk_label);
        }
      }).addTo(map);
      el.dataset.features = String(data.features.length);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([6.6, 20.6], 6); }
      el.classList.add("loaded");
    })
    .catch(function () { el.textContent = el.dataset.error || "Map unavailable"; });
});
