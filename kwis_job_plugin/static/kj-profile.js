/* KWIS.job profile tab: progressive enhancement only; everything works without it.
   1. A filter box for long checkbox lists (the Ausbildungsberufe): type to narrow the list.
   2. Live preview: after a short pause in typing, the form is sent to the preview endpoint and
      the server-rendered public body replaces the preview (same template as the public page). */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLocaleLowerCase("de").replace(/\s+/g, " ").trim();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function setUpFilter(group) {
    var fieldset = group.querySelector("fieldset");
    if (!fieldset) { return; }
    var items = Array.prototype.slice.call(fieldset.querySelectorAll(".kj-checkbox"));
    if (!items.length) { return; }
    var id = fieldset.id + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "kj-field kj-pf-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = group.getAttribute("data-kj-filter-label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "kj-hint";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    fieldset.insertBefore(wrapper, items[0]);

    var template = group.getAttribute("data-kj-filter-status") || "";
    input.addEventListener("input", function () {
      var query = normalise(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var box = item.querySelector("input");
        var match = !query || (box && box.checked) ||
          normalise(item.textContent).indexOf(query) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = query ? format(template, { n: shown, total: items.length }) : "";
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  function setUpLivePreview(form) {
    var target = document.getElementById("kj-preview-body");
    var note = document.getElementById("kj-preview-note");
    var url = form.getAttribute("data-preview-url");
    if (!target || !url || !window.fetch || !window.FormData) { return; }
    var timer = null;
    var sequence = 0;

    function update() {
      var data = new FormData(form);
      Array.prototype.forEach.call(form.querySelectorAll('input[type="file"]'), function (f) {
        data.delete(f.name);
      });
      data.delete("action");
      sequence += 1;
      var mine = sequence;
      window.fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (text) { return { ok: response.ok, text: text }; });
        })
        .then(function (result) {
          if (mine !== sequence) { return; }
          if (result.ok) {
            target.innerHTML = result.text;
            if (note) { note.textContent = form.getAttribute("data-preview-live"); }
          } else if (note) {
            note.textContent = form.getAttribute("data-preview-error");
          }
        })
        .catch(function () { /* the preview button still works */ });
    }

    function schedule(event) {
      if (event.target && (event.target.type === "file" || event.target.type === "search")) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 600);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  /* A page that comes back with errors or a conflict starts at that message, so it is read out
     first; its links lead to the fields. */
  var problem = document.getElementById("kj-conflict") || document.getElementById("error-summary");
  if (problem) {
    problem.focus();
  } else {
    /* After "Vorschau aktualisieren" the page starts at the preview the person asked for. */
    var asked = document.querySelector("[data-kj-focus]");
    if (asked) { asked.focus(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-kj-filter]"), setUpFilter);
  var form = document.getElementById("kj-profile-form");
  if (form) { setUpLivePreview(form); }
}());
