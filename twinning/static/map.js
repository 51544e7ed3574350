/* The map of organisations: Leaflet served by the app, markers from the JSON API.
   Without JavaScript (or without tiles) the page's list shows the same organisations. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  var map = L.map(element, { scrollWheelZoom: false }).setView([36.5, 2.5], 4);
  L.tileLayer(element.dataset.tiles, {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);
  var markers = [];

  function addMarkers(items) {
    items.forEach(function (item) {
      if (item.lat === null || item.lon === null) { return; }
      var link = document.createElement("a");
      link.href = element.dataset.profileBase.replace("__slug__", encodeURIComponent(item.slug));
      link.textContent = item.name;
      link.dir = "auto";
      markers.push(L.marker([item.lat, item.lon], { title: item.name })
        .bindPopup(link).addTo(map));
    });
  }

  function load(page) {
    fetch(element.dataset.api + "?per_page=100&page=" + page)
      .then(function (response) { return response.json(); })
      .then(function (body) {
        addMarkers(body.items);
        if (page * body.per_page < body.total) {
          load(page + 1);
        } else if (markers.length) {
          map.fitBounds(L.featureGroup(markers).getBounds().pad(0.1));
        }
      })
      .catch(function () { element.hidden = true; });
  }
  element.classList.add("map-ready");
  load(1);
}());
