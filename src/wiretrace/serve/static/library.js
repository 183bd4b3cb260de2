/* The index line and the Library view of the web page: what the index holds (GET /v1/index),
 * a warning when it is empty or tiny, and the stored articles: list, search, open
 * (GET /v1/documents, GET /v1/documents/{id}) and add (POST /v1/documents, one file).
 * Hand-written, no dependencies, no build step. Server text is shown with textContent only. */
(function () {
  "use strict";

  /* Below this many articles a trace that finds nothing says little: the page warns. */
  var TINY_INDEX = 50;
  var PER_PAGE = 20;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function $(id) { return document.getElementById(id); }

  var tokenBox = $("wt-token");
  var indexBox = $("wt-index");
  var line = $("wt-index-line");
  var library = $("wt-library");
  var searchForm = $("wt-lib-search");
  var listStatus = $("wt-lib-status");
  var tableBody = $("wt-lib-table").tBodies[0];
  var pageLabel = $("wt-lib-page");
  var prev = $("wt-lib-prev");
  var next = $("wt-lib-next");
  var docBox = $("wt-lib-doc");
  var uploadForm = $("wt-lib-upload");
  var fileBox = $("wt-lib-file");
  var uploadStatus = $("wt-lib-upload-status");
  var state = { page: 1, pages: 0, query: {} };

  /* -- talking to the server ------------------------------------------------------------ */

  function headers() {
    var h = { "Accept": "application/json" };
    var token = tokenBox ? tokenBox.value.trim() : "";
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  function askForToken() {
    var box = $("wt-token-box");
    if (box) box.open = true;
    if (tokenBox) tokenBox.focus();
  }

  /* The JSON answer of a request, or an Error whose message says what went wrong. A passive
   * call (the index line, read on load) does not open the token box on a 401: the page shows
   * the box and the reader opens it, or a trace or a Library action does. */
  function call(path, options, passive) {
    var init = options || {};
    init.headers = headers();
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        if (response.ok && payload) return payload;
        if (response.status === 401) {
          if (!passive) askForToken();
          throw new Error("This server needs an API token: enter it under \u201cAPI token\u201d " +
            "and try again.");
        }
        var message = payload && payload.error && payload.error.message;
        throw new Error("The server said no (" + response.status + "): " +
          (message || response.statusText));
      });
    });
  }

  function say(box, message, isError) {
    box.textContent = message;
    box.classList.toggle("wt-error", !!isError);
    box.setAttribute("role", isError ? "alert" : "status");
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* -- words and numbers ---------------------------------------------------------------- */

  function count(n) { return Number(n || 0).toLocaleString("en-US"); }

  function plural(n, one, many) { return count(n) + " " + (n === 1 ? one : many); }

  /* "2019-04-23T16:43Z" -> "23 April 2019, 16:43Z"; anything else is shown as written. */
  function readableDate(value) {
    if (!value) return "undated";
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](.*))?$/.exec(value);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return value;
    var day = Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1];
    return m[4] ? day + ", " + m[4] : day;
  }

  /* -- the index line and its warning --------------------------------------------------- */

  function summaryText(s) {
    if (!s.articles) return "The index is empty: no article to compare with.";
    var text = plural(s.articles, "article", "articles") + " from " +
      plural(s.outlets, "outlet", "outlets");
    if (s.first_published && s.last_published) {
      text += ", " + readableDate(s.first_published.slice(0, 10)) + " to " +
        readableDate(s.last_published.slice(0, 10));
    }
    if (s.undated) text += " (" + count(s.undated) + " undated)";
    return text + ".";
  }

  function warningText(s) {
    if (!s.articles) {
      return "The index is empty. A trace can only say that nothing was found, and that says " +
        "nothing about where the text came from. Add articles in the Library first.";
    }
    if (s.articles < TINY_INDEX) {
      return "The index holds only " + plural(s.articles, "article", "articles") + ". A trace " +
        "finds sources only among them: if it finds none, that is not proof the text is " +
        "original.";
    }
    return "";
  }

  function showSummary(s) {
    line.textContent = summaryText(s);
    var old = $("wt-index-warning");
    if (old) old.remove();
    var warning = warningText(s);
    if (warning) {
      var box = el("p", "wt-index-warning", warning);
      box.id = "wt-index-warning";
      indexBox.appendChild(box);
    }
    var outlets = $("wt-lib-outlets");
    clear(outlets);
    (s.top_outlets || []).forEach(function (o) {
      var option = document.createElement("option");
      option.value = o.outlet;
      outlets.appendChild(option);
    });
  }

  function loadSummary() {
    return call("/v1/index", null, true).then(showSummary, function (err) {
      line.textContent = "Could not read what the index holds. " + String(err.message || err);
    });
  }

  /* -- the list --------------------------------------------------------------------------- */

  function readQuery() {
    return {
      q: $("wt-lib-q").value.trim(),
      outlet: $("wt-lib-outlet").value.trim(),
      from: $("wt-lib-from").value,
      to: $("wt-lib-to").value,
      sort: $("wt-lib-sort").value
    };
  }

  function listPath(query, page) {
    var params = new URLSearchParams();
    Object.keys(query).forEach(function (k) { if (query[k]) params.set(k, query[k]); });
    params.set("page", String(page));
    params.set("per_page", String(PER_PAGE));
    return "/v1/documents?" + params.toString();
  }

  function row(item) {
    var tr = document.createElement("tr");
    var titleCell = el("td", "wt-lib-title");
    var open = el("button", "wt-lib-open", item.title || "(no title) " + item.id);
    open.type = "button";
    open.addEventListener("click", function () { openDocument(item.id); });
    titleCell.appendChild(open);
    tr.appendChild(titleCell);
    tr.appendChild(el("td", "", item.outlet || "\u2014"));
    tr.appendChild(el("td", "wt-lib-date", readableDate(item.published_at)));
    tr.appendChild(el("td", "wt-num", count(item.length)));
    return tr;
  }

  function showList(result) {
    clear(tableBody);
    result.items.forEach(function (item) { tableBody.appendChild(row(item)); });
    state.page = result.page;
    state.pages = result.pages;
    prev.disabled = result.page <= 1;
    next.disabled = result.page >= result.pages;
    var total = (result.total_exact ? "" : "more than ") +
      plural(result.total, "article", "articles");
    pageLabel.textContent = result.pages ? "Page " + count(result.page) + " of " +
      count(result.pages) : "";
    if (!result.total) {
      say(listStatus, "No article matches. Try fewer words, another outlet or wider dates.");
    } else {
      say(listStatus, total + (result.pages > 1 ? "; page " + count(result.page) + " of " +
        count(result.pages) : "") + ".");
    }
  }

  function loadList(page) {
    say(listStatus, "Loading\u2026");
    return call(listPath(state.query, page)).then(showList, function (err) {
      say(listStatus, String(err.message || err), true);
    });
  }

  searchForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    state.query = readQuery();
    loadList(1);
  });

  $("wt-lib-all").addEventListener("click", function () {
    searchForm.reset();
    state.query = readQuery();
    loadList(1);
  });

  prev.addEventListener("click", function () { loadList(Math.max(1, state.page - 1)); });
  next.addEventListener("click", function () { loadList(state.page + 1); });

  /* -- one article ------------------------------------------------------------------------ */

  /* An address as text, or as a link when it is http(s): it opens in a new tab, and only
   * when the reader clicks it; the page itself never requests it. */
  function address(url) {
    var box = $("wt-lib-doc-url");
    clear(box);
    if (!url) { box.textContent = "none given"; return; }
    var parsed = null;
    try { parsed = new URL(url); } catch (e) { parsed = null; }
    if (parsed && (parsed.protocol === "http:" || parsed.protocol === "https:")) {
      var a = el("a", "", url);
      a.href = parsed.href;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      box.appendChild(a);
    } else {
      box.textContent = url;
    }
  }

  function showDocument(doc) {
    $("wt-lib-doc-title").textContent = doc.title || "(no title)";
    $("wt-lib-doc-outlet").textContent = doc.source || "none given";
    $("wt-lib-doc-date").textContent = readableDate(doc.published_at);
    $("wt-lib-doc-id").textContent = doc.id;
    address(doc.url);
    $("wt-lib-doc-text").textContent = doc.text;
    docBox.hidden = false;
    $("wt-lib-doc-title").focus();
  }

  function openDocument(id) {
    say(listStatus, "Opening\u2026");
    call("/v1/documents/" + encodeURIComponent(id)).then(function (doc) {
      say(listStatus, "");
      showDocument(doc);
    }, function (err) { say(listStatus, String(err.message || err), true); });
  }

  $("wt-lib-close").addEventListener("click", function () {
    docBox.hidden = true;
    var first = tableBody.querySelector("button");
    if (first) first.focus();
  });

  /* -- adding articles -------------------------------------------------------------------- */

  var COUNTS = [
    ["added", "added: new articles"],
    ["updated", "updated: new text for a stored id"],
    ["unchanged", "unchanged: already stored as they are"],
    ["metadata", "metadata: new details for a stored text"],
    ["rejected", "rejected: could not be read"]
  ];

  function showAdded(result) {
    var counts = $("wt-lib-counts");
    var rejects = $("wt-lib-rejects");
    clear(counts);
    clear(rejects);
    COUNTS.forEach(function (pair) {
      var box = el("div", "wt-lib-count");
      box.dataset.count = pair[0];
      box.appendChild(el("dt", "", pair[1]));
      box.appendChild(el("dd", "", count(result[pair[0]])));
      counts.appendChild(box);
    });
    (result.rejects || []).forEach(function (r) {
      var item = el("li", "", (r.location || "") + (r.id ? " (id " + r.id + ")" : "") + ": " +
        r.reason);
      rejects.appendChild(item);
    });
    $("wt-lib-result").hidden = false;
  }

  uploadForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = fileBox.files && fileBox.files[0];
    if (!file) {
      say(uploadStatus, "Choose a file of articles first.", true);
      fileBox.focus();
      return;
    }
    var data = new FormData();
    data.append("file", file, file.name);
    var button = $("wt-lib-add");
    button.disabled = true;
    say(uploadStatus, "Adding\u2026");
    call("/v1/documents", { method: "POST", body: data }).then(function (result) {
      showAdded(result);
      say(uploadStatus, "Read " + file.name + ": " + plural(result.added, "article", "articles") +
        " added, " + count(result.rejected) + " rejected. The index now holds " +
        plural(result.documents, "text", "texts") + ".");
      return Promise.all([loadSummary(), loadList(1)]);
    }, function (err) {
      say(uploadStatus, String(err.message || err), true);
    }).then(function () { button.disabled = false; });
  });

  /* -- the two views ---------------------------------------------------------------------- */

  var traceButton = $("wt-view-trace");
  var libraryButton = $("wt-view-library");
  var loaded = false;

  /* Show the Library, or everything else in <main> (what the Library hid, it shows again). */
  function showView(name) {
    var toLibrary = name === "library";
    Array.prototype.forEach.call(library.parentNode.children, function (child) {
      if (child === library) return;
      if (toLibrary && !child.hidden) {
        child.hidden = true;
        child.dataset.wtLibraryHid = "1";
      } else if (!toLibrary && child.dataset.wtLibraryHid) {
        child.hidden = false;
        delete child.dataset.wtLibraryHid;
      }
    });
    library.hidden = !toLibrary;
    traceButton.setAttribute("aria-pressed", String(!toLibrary));
    libraryButton.setAttribute("aria-pressed", String(toLibrary));
    if (toLibrary) {
      $("wt-h-library").focus();
      if (!loaded) {
        loaded = true;
        state.query = readQuery();
        loadList(1);
      }
    }
  }

  traceButton.addEventListener("click", function () {
    showView("trace");
    var text = $("wt-text");
    if (text) text.focus();
  });
  libraryButton.addEventListener("click", function () { showView("library"); });
  if (tokenBox) {
    tokenBox.addEventListener("change", function () {
      loadSummary();
      if (!library.hidden) loadList(state.page);
    });
  }

  loadSummary();
})();
