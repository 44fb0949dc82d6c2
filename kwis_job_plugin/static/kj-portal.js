/* KWIS.job portal: "Mein Standort" as progressive enhancement.
 *
 * Without JavaScript, or where the browser cannot locate, the button stays hidden and the
 * place field works as typed. With it, a press asks the browser for its position (the browser
 * asks the person first) and writes "lat,lon" rounded to three decimals (about 100 m) into the
 * place field; the search reads that form (services/coordinates.py) and calls the place
 * "Mein Standort". No request leaves for another host: the position goes only into the form.
 * The messages come from the page (data-* attributes), so they are translated with the rest.
 */
(function () {
  "use strict";
  var button = document.getElementById("kj-locate");
  var field = document.getElementById("kj-ort");
  var status = document.getElementById("kj-locate-status");
  if (!button || !field || !status || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = button.getAttribute("data-busy");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        field.value = position.coords.latitude.toFixed(3) + "," +
          position.coords.longitude.toFixed(3);
        field.removeAttribute("aria-invalid");
        status.textContent = button.getAttribute("data-done");
        button.disabled = false;
        field.focus();
      },
      function () {
        status.textContent = button.getAttribute("data-failed");
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
}());
