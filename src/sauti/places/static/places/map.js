// Draws the gazetteer's own boundaries (and localities) with Leaflet; a tile layer only when the
// server is configured with one (SAUTI_MAP_TILE_URL), so the map works offline.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("place-map");
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
          if (f.properties.role === "locality") {
            return { radius: 5, color: "#b03a2e", weight: 1, fillColor: "#b03a2e", fillOpacity: 0.85 };
          }
          return f.properties.role === "self"
            ? { color: "#1f4e79", weight: 2, fillOpacity: 0.08 }
            : { color: "#6b8fb3", weight: 1, fillOpacity: 0.02, dashArray: "3" };
        },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 5, color: "#b03a2e", fillOpacity: 0.8 });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var label = p.name + (p.pcode ? " (" + p.pcode + ")" : "");
          l.bindTooltip(label);
          if (p.role === "child" && p.pcode) { l.on("click", function () { window.location = "/places/admin/" + p.pcode + "/"; }); }
          if (p.role === "locality" && p.id) { l.on("click", function () { window.location = "/places/locality/" + p.id + "/"; }); }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 12 }); } else { map.setView([0, 20], 4); }
    })
    .catch(function () { el.textContent = el.dataset.error || "Map unavailable"; });
});
