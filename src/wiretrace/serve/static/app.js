/* The web page of `wiretrace serve`: sends the pasted text or the chosen file to
 * POST /v1/trace and draws the answer with WiretraceReport.render (report.js).
 * Hand-written, no dependencies, no build step. Server text is shown with textContent only. */
(function () {
  "use strict";

  var form = document.getElementById("wt-form");
  var textBox = document.getElementById("wt-text");
  var fileBox = document.getElementById("wt-file");
  var status = document.getElementById("wt-status");
  var output = document.getElementById("wt-report");
  var submit = document.getElementById("wt-submit");
  var tokenBox = document.getElementById("wt-token");
  var fields = ["title", "url", "source", "published_at"];

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("wt-error", !!isError);
    status.setAttribute("role", isError ? "alert" : "status");
  }

  function headers() {
    var h = { "Accept": "application/json" };
    var token = tokenBox.value.trim();
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  function fieldValue(name) {
    var input = form.elements.namedItem(name);
    return input && input.value ? input.value.trim() : "";
  }

  /* The request for the current form: an upload when a file is chosen, else JSON. */
  function buildRequest() {
    var h = headers();
    var file = fileBox.files && fileBox.files[0];
    if (file) {
      var data = new FormData();
      data.append("file", file, file.name);
      fields.forEach(function (name) {
        var v = fieldValue(name);
        if (v) data.append(name, v);
      });
      return { headers: h, body: data };
    }
    var body = { text: textBox.value };
    fields.forEach(function (name) {
      var v = fieldValue(name);
      if (v) body[name] = v;
    });
    h["Content-Type"] = "application/json";
    return { headers: h, body: JSON.stringify(body) };
  }

  function errorMessage(response, payload) {
    if (response.status === 401) {
      document.getElementById("wt-token-box").open = true;
      tokenBox.focus();
      return "This server needs an API token: enter it under \u201cAPI token\u201d and try again.";
    }
    var message = payload && payload.error && payload.error.message;
    return "Could not trace (" + response.status + "): " + (message || response.statusText);
  }

  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function downloadHtml(button) {
    var req = buildRequest();
    button.disabled = true;
    say("Preparing the HTML report\u2026");
    fetch("/v1/trace?format=html", { method: "POST", headers: req.headers, body: req.body })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return null; }).then(function (p) {
            throw new Error(errorMessage(response, p));
          });
        }
        return response.blob();
      })
      .then(function (blob) {
        saveBlob(blob, "wiretrace-report.html");
        say("HTML report saved.");
      })
      .catch(function (err) { say(String(err.message || err), true); })
      .then(function () { button.disabled = false; });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var hasFile = fileBox.files && fileBox.files.length > 0;
    if (!hasFile && !textBox.value.trim()) {
      say("Paste the article text or choose a file first.", true);
      textBox.focus();
      return;
    }
    var req = buildRequest();
    submit.disabled = true;
    say("Tracing\u2026");
    fetch("/v1/trace?view=true", { method: "POST", headers: req.headers, body: req.body })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (payload) {
          if (!response.ok || !payload) throw new Error(errorMessage(response, payload));
          return payload;
        });
      })
      .then(function (payload) {
        window.WiretraceReport.render(output, payload, { onDownloadHtml: downloadHtml });
        var n = (payload.sources || []).length;
        var m = (payload.later || []).length;
        var ties = (payload.earliest_sources || []).length;
        say("Traced: " + (100 * payload.coverage).toFixed(1) + "% attributed to " + n +
          (n === 1 ? " source" : " sources") +
          (m ? "; " + m + (m === 1 ? " later document" : " later documents") +
            " dated after it, not sources" : "") +
          (payload.earliest_order === "tie" ? "; first publisher a tie of " + ties : "") +
          (payload.direction_checked === false ? "; direction not checked (no date)" : "") + ".");
        var heading = document.getElementById("wt-h-result");
        if (heading) heading.focus();
      })
      .catch(function (err) {
        say(String(err.message || err), true);
      })
      .then(function () { submit.disabled = false; });
  });

  document.getElementById("wt-clear").addEventListener("click", function () {
    form.reset();
    while (output.firstChild) output.removeChild(output.firstChild);
    say("");
    textBox.focus();
  });
})();
