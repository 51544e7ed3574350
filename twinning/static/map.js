/* The map of organisations: Leaflet served by the app. The markers come from the page's own
   list (items with data-lat/data-lon and a link, named by the map's data-list), so that
   without JavaScript, or without tiles, the same organisations are listed. */
(function () {
  "use strict";
  // A marker's neighbourhood is enough: fitting one organisation must not zoom to a street.
  var MAX_FIT_ZOOM = 12;
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  var list = document.getElementById(element.dataset.list);
  var items = list ? list.querySelectorAll("li[data-lat][data-lon]") : [];
  if (!items.length) { return; }
  // The box is shown before Leaflet measures it: a map made in a hidden box has no size,
  // fitBounds then falls to zoom 0 and every marker lands in the top-left corner.
  element.classList.add("map-ready");
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);
  var markers = Array.prototype.map.call(items, function (item) {
    var source = item.querySelector("a");
    var name = source.textContent.trim();
    var link = document.createElement("a");
    link.href = source.href;
    link.textContent = name;
    link.dir = "auto";
    return L.marker([parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)],
                    { title: name, alt: name }).bindPopup(link);
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds().pad(0.1), { maxZoom: MAX_FIT_ZOOM });
}());
