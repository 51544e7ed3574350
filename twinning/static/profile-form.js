// While a profile's description is written, ask the server what it reads in it (language,
// sectors, needs, offers, similar profiles) and tick the suggested boxes. Without this
// script the "check" button does the same with a full page.
(function () {
  "use strict";
  var form = document.querySelector("form.profile-form");
  var result = document.getElementById("check-result");
  if (!form || !result || !window.fetch || !window.FormData) {
    return;
  }
  var watched = ["description", "name", "country"];
  var timer = null;
  var pending = null;

  function suggestedSet() {
    var hidden = form.elements.namedItem("suggested");
    return { input: hidden, codes: (hidden.value || "").split(/\s+/).filter(Boolean) };
  }

  function tick(suggested) {
    var seen = suggestedSet();
    Object.keys(suggested).forEach(function (field) {
      suggested[field].forEach(function (code) {
        var key = field + ":" + code;
        if (seen.codes.indexOf(key) !== -1) {
          return;  // suggested before: the person's choice stands
        }
        var box = document.getElementById(field + "-" + code);
        if (box) {
          box.checked = true;
        }
        seen.codes.push(key);
      });
    });
    seen.input.value = seen.codes.sort().join(" ");
  }

  function check() {
    var data = new FormData(form);
    data.set("check", "1");
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(form.getAttribute("data-check-url"), {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (reading) {
      if (!reading) {
        return;
      }
      result.innerHTML = reading.html;  // rendered and escaped by the server's template
      tick(reading.suggested);
    }).catch(function () { /* offline or aborted: the check button still works */ });
  }

  watched.forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (!field) {
      return;
    }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 900);
    });
  });
}());
