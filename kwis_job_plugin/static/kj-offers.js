/* Optional: on the offer form, show only the time and place fields that the chosen option needs.
   Without JavaScript every group stays visible with a legend that says when it applies. */
(function () {
  "use strict";
  var form = document.querySelector(".kj-offer-form");
  if (!form) { return; }

  function sync(name, attribute) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    var value = checked ? checked.value : null;
    form.querySelectorAll("[" + attribute + "]").forEach(function (group) {
      var hasError = group.querySelector(".kj-has-error") !== null;
      group.hidden = group.getAttribute(attribute) !== value && !hasError;
    });
  }

  function syncAll() {
    sync("time_mode", "data-kj-mode");
    sync("place_mode", "data-kj-place");
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "time_mode" || event.target.name === "place_mode") { syncAll(); }
  });
  syncAll();

  var summary = document.getElementById("error-summary") || document.getElementById("conflict");
  if (summary) { summary.focus(); }
})();
