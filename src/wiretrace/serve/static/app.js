/* The web page of `wiretrace serve`: sends the pasted text or the chosen file to
 * POST /v1/trace and draws the answer with WiretraceReport.render (report.js).
 *
 * Also: it scrolls to the result when it arrives; shows the API-token box only when the
 * server needs a token (GET /v1/health answers 401, or a trace does); keeps a list of
 * excluded sources ("Exclude and trace again"), sent as `exclude`; and makes a link that
 * reproduces the trace, holding the article in the URL fragment (compressed where the
 * browser can) or, past LINK_LIMIT characters, in local storage under a short key. The
 * fragment is never sent to the server.
 *
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
  var tokenDetails = document.getElementById("wt-token-box");
  var excludedBox = document.getElementById("wt-excluded");
  var excludedList = document.getElementById("wt-excluded-list");
  var linkBox = document.getElementById("wt-link");
  var linkAnchor = document.getElementById("wt-link-a");
  var linkNote = document.getElementById("wt-link-note");
  var fields = ["title", "url", "source", "published_at"];

  // The longest fragment put in a link; longer articles go to local storage. Links much
  // longer than this are cut by some mail and chat programs.
  var LINK_LIMIT = 8000;
  var LINK_KEY = "trace-key=";
  var LINK_TEXT = "trace=";
  var STORE_PREFIX = "wiretrace.trace.";

  // Documents left out of the trace: [{id, title}], in the order they were excluded.
  var excluded = [];

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

  function excludedIds() {
    return excluded.map(function (x) { return x.id; });
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
      excludedIds().forEach(function (id) { data.append("exclude", id); });
      return { headers: h, body: data };
    }
    var body = { text: textBox.value };
    fields.forEach(function (name) {
      var v = fieldValue(name);
      if (v) body[name] = v;
    });
    if (excluded.length) body.exclude = excludedIds();
    h["Content-Type"] = "application/json";
    return { headers: h, body: JSON.stringify(body) };
  }

  function showTokenBox(open) {
    tokenDetails.hidden = false;
    if (open) {
      tokenDetails.open = true;
      tokenBox.focus();
    }
  }

  function errorMessage(response, payload) {
    if (response.status === 401) {
      showTokenBox(true);
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

  /* -- scrolling to the result ------------------------------------------------------------- */

  function showResult() {
    var heading = document.getElementById("wt-h-result");
    if (!heading) return;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
  }

  /* -- excluded sources -------------------------------------------------------------------- */

  function drawExcluded() {
    while (excludedList.firstChild) excludedList.removeChild(excludedList.firstChild);
    excluded.forEach(function (x) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.className = "wt-excluded-name";
      name.textContent = x.title ? x.title + " " : "";
      var id = document.createElement("span");
      id.className = "wt-id";
      id.textContent = x.id;
      var back = document.createElement("button");
      back.type = "button";
      back.className = "wt-btn wt-btn-small wt-btn-quiet";
      back.textContent = "Put back";
      back.setAttribute("aria-label", "Put back " + (x.title || x.id) + " and trace again");
      back.setAttribute("data-put-back", x.id);
      item.appendChild(name);
      item.appendChild(id);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(back);
      excludedList.appendChild(item);
    });
    excludedBox.hidden = excluded.length === 0;
  }

  function exclude(source) {
    if (!source || excludedIds().indexOf(source.id) >= 0) return;
    excluded.push({ id: source.id, title: source.title || "" });
    drawExcluded();
    trace();
  }

  excludedList.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-put-back]") : null;
    if (!button) return;
    var id = button.getAttribute("data-put-back");
    excluded = excluded.filter(function (x) { return x.id !== id; });
    drawExcluded();
    trace();
  });

  /* -- links that reproduce a trace ---------------------------------------------------------- */

  function toBase64Url(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function piped(bytes, transform) {
    return new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer()
      .then(function (buffer) { return new Uint8Array(buffer); });
  }

  var canSqueeze = typeof CompressionStream === "function" &&
    typeof DecompressionStream === "function";

  /* The fragment value of a state: "z" + deflated JSON, or "p" + plain JSON, in base64url. */
  function encodeState(state) {
    var bytes = new TextEncoder().encode(JSON.stringify(state));
    if (!canSqueeze) return Promise.resolve("p" + toBase64Url(bytes));
    return piped(bytes, new CompressionStream("deflate")).then(function (packed) {
      return "z" + toBase64Url(packed);
    });
  }

  function decodeState(value) {
    var kind = value.charAt(0);
    var bytes = fromBase64Url(value.slice(1));
    var unpacked = kind === "z" ? piped(bytes, new DecompressionStream("deflate"))
      : kind === "p" ? Promise.resolve(bytes) : Promise.reject(new Error("unknown link format"));
    return unpacked.then(function (raw) { return JSON.parse(new TextDecoder().decode(raw)); });
  }

  function currentState() {
    var state = { text: textBox.value };
    fields.forEach(function (name) {
      var v = fieldValue(name);
      if (v) state[name] = v;
    });
    if (excluded.length) state.exclude = excluded;
    return state;
  }

  function newKey() {
    var bytes = new Uint8Array(6);
    window.crypto.getRandomValues(bytes);
    return toBase64Url(bytes);
  }

  function setLink(fragment, note) {
    var url = location.pathname + location.search + "#" + fragment;
    history.replaceState(null, "", url);
    linkAnchor.href = "#" + fragment;
    linkNote.textContent = note;
    linkBox.hidden = false;
  }

  /* After a trace of pasted text: the link to it, in the fragment or in local storage. */
  function makeLink() {
    var hasFile = fileBox.files && fileBox.files.length > 0;
    if (hasFile) {
      linkBox.hidden = true;
      history.replaceState(null, "", location.pathname + location.search);
      return Promise.resolve();
    }
    var state = currentState();
    return encodeState(state).then(function (value) {
      if (LINK_TEXT.length + value.length <= LINK_LIMIT) {
        setLink(LINK_TEXT + value, "This link holds the article itself (" +
          (LINK_TEXT.length + value.length).toLocaleString() + " characters after #): it " +
          "works in any browser that can reach this server.");
        return;
      }
      var key = newKey();
      try {
        localStorage.setItem(STORE_PREFIX + key, JSON.stringify(state));
      } catch (e) {
        linkBox.hidden = true;
        return;
      }
      setLink(LINK_KEY + key, "This article is too long for a link (" +
        value.length.toLocaleString() + " characters once packed; the limit is " +
        LINK_LIMIT.toLocaleString() + "). It is kept in this browser's local storage, and " +
        "the link only works in this browser.");
    });
  }

  function fillFrom(state) {
    textBox.value = typeof state.text === "string" ? state.text : "";
    var any = false;
    fields.forEach(function (name) {
      var input = form.elements.namedItem(name);
      var v = typeof state[name] === "string" ? state[name] : "";
      if (input) input.value = v;
      if (v) any = true;
    });
    if (any) form.querySelector("details.wt-more").open = true;
    excluded = (Array.isArray(state.exclude) ? state.exclude : [])
      .filter(function (x) { return x && typeof x.id === "string"; })
      .map(function (x) { return { id: x.id, title: typeof x.title === "string" ? x.title : "" }; });
    drawExcluded();
  }

  /* On opening a link made by makeLink: fill the form and trace. */
  function openLink() {
    var hash = location.hash.replace(/^#/, "");
    if (hash.indexOf(LINK_TEXT) === 0) {
      return decodeState(hash.slice(LINK_TEXT.length)).then(function (state) {
        fillFrom(state);
        trace();
      }, function () {
        say("This link is damaged: its article could not be read. Paste the article again.", true);
      });
    }
    if (hash.indexOf(LINK_KEY) === 0) {
      var stored = null;
      try {
        stored = localStorage.getItem(STORE_PREFIX + hash.slice(LINK_KEY.length));
      } catch (e) {
        stored = null;
      }
      if (!stored) {
        say("This link's article was kept in another browser's storage (or that storage was " +
          "cleared), so it cannot be opened here. Paste the article again.", true);
        return Promise.resolve();
      }
      fillFrom(JSON.parse(stored));
      trace();
    }
    return Promise.resolve();
  }

  /* -- tracing ------------------------------------------------------------------------------- */

  function trace() {
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
        window.WiretraceReport.render(output, payload,
          { onDownloadHtml: downloadHtml, onExclude: exclude });
        var n = (payload.sources || []).length;
        var m = (payload.later || []).length;
        var ties = (payload.earliest_sources || []).length;
        var x = excluded.length;
        var line = "Traced: " + (100 * payload.coverage).toFixed(1) + "% attributed to " + n +
          (n === 1 ? " source" : " sources") +
          (x ? " (" + x + " excluded)" : "") +
          (m ? "; " + m + (m === 1 ? " later document" : " later documents") +
            " dated after it, not sources" : "") +
          (payload.earliest_order === "tie" ? "; first publisher a tie of " + ties : "") +
          (payload.direction_checked === false ? "; direction not checked (no date)" : "") + ".";
        // The link box above the result is drawn first, so that the scroll ends on the result.
        return makeLink().catch(function () { linkBox.hidden = true; }).then(function () {
          say(line);
          showResult();
        });
      })
      .catch(function (err) {
        say(String(err.message || err), true);
      })
      .then(function () { submit.disabled = false; });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    trace();
  });

  document.getElementById("wt-clear").addEventListener("click", function () {
    form.reset();
    while (output.firstChild) output.removeChild(output.firstChild);
    excluded = [];
    drawExcluded();
    linkBox.hidden = true;
    history.replaceState(null, "", location.pathname + location.search);
    say("");
    textBox.focus();
  });

  document.getElementById("wt-link-copy").addEventListener("click", function () {
    var url = linkAnchor.href;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { say("Link copied."); },
        function () { say("Could not copy: select the link and copy it.", true); });
    } else {
      say("Could not copy: select the link and copy it.", true);
    }
  });

  /* The token box only when the server needs a token: /v1/health answers 401 without one. */
  fetch("/v1/health", { headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (response.status === 401) return showTokenBox(false);
      return response.json().then(function (health) {
        if (health && health.token_required) showTokenBox(false);
      });
    })
    .catch(function () { /* the server is unreachable: a trace will say so */ });

  openLink();
})();
