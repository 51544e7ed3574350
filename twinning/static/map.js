/* The map of organisations: Leaflet served by the app. The markers come from the page's own
   list (named by the map's data-list; each link carries data-lat/data-lon), so that
   without JavaScript, or without tiles, the same organisations are listed. */
(function () {
  "use strict";
  // A marker's neighbourhood is enough: fitting one organisation must not zoom to a street.
  var MAX_FIT_ZOOM = 12;
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  var list = document.getElementById(element.dataset.list);
  var links = list ? list.querySelectorAll("a[data-lat][data-lon]") : [];
  if (!links.length) { return; }
  // The box is shown before Leaflet measures it: a map made in a hidden box has no size,
  // fitBounds then falls to zoom 0 and every marker lands in the top-left corner.
  element.classList.add("map-ready");
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);
  var markers = Array.prototype.map.call(links, function (source) {
    var name = source.textContent.trim();
    var link = document.createElement("a");
    link.href = source.href;
    link.textContent = name;
    link.dir = "auto";
    return L.marker([parseFloat(source.dataset.lat), parseFloat(source.dataset.lon)],
                    { title: name, alt: name }).bindPopup(link);
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds().pad(0.1), { maxZoom: MAX_FIT_ZOOM });
}());
