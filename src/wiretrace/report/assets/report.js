/* wiretrace report view: draws a trace (the JSON report plus its "view" object) as an
 * article coloured by source, a side-by-side comparison with word-level changes marked, the
 * sources, their time order (the earliest source, or a tie), the later documents (dated after
 * the article: never its sources), the signals and download links.
 *
 * A passage's comparison opens inside the article, under the passage's paragraph. Dates are
 * shown in the reader's locale (the ISO value in their title), signals under plain titles
 * (view.signal_words) with their codes beside. With opts.onExclude (the web page), each source
 * has an "Exclude and trace again" button.
 *
 * Used by the standalone HTML report (data in the #wt-data block) and by the web page of
 * `wiretrace serve` (window.WiretraceReport.render). Hand-written, no dependencies, no build.
 *
 * Safety: every string from the data goes into the page as a text node (textContent); nothing
 * is parsed as HTML, and links are made only for http(s) URLs.
 */
(function () {
  "use strict";

  var PALETTE = 8;
  var blobUrls = [];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "className") node.className = value;
        else if (name === "hidden") node.hidden = true;
        else node.setAttribute(name, String(value));
      });
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === null || children === undefined) return node;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /* A link for http(s) URLs only; anything else (javascript:, data:, relative) is text. */
  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
    } catch (e) {
      return null;
    }
    return null;
  }

  function linkOrText(url, label) {
    var href = safeHref(url);
    if (!href) return el("span", { className: "wt-url" }, label || url || "");
    return el("a", { href: href, rel: "noopener noreferrer nofollow", target: "_blank" },
      label || url);
  }

  function percent(x) {
    return (100 * (x || 0)).toFixed(1) + "%";
  }

  function sourceLabel(source, rank) {
    return "[" + (rank + 1) + "]";
  }

  function sourceName(source) {
    return source.title || source.id;
  }

  /* Dates in the reader's locale. A date without a time is a calendar day, shown as that day
   * whatever the reader's time zone (formatted in UTC, so it never shifts); a time with a zone
   * is shown in the reader's zone; a time without a zone is shown as written, its zone being
   * unknown. The exact ISO value stays in the title and the datetime attribute. */
  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var MONTH = /^(\d{4})-(\d{2})$/;
  var LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?$/;
  var ZONED = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
  var DAY_PARTS = { year: "numeric", month: "short", day: "numeric" };

  function formatted(parts, when) {
    return new Intl.DateTimeFormat(undefined, parts).format(when);
  }

  function readableDate(iso) {
    if (typeof iso !== "string" || !iso) return null;
    var m;
    try {
      if ((m = DAY.exec(iso))) {
        return formatted(Object.assign({ timeZone: "UTC" }, DAY_PARTS),
          new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
      }
      if ((m = MONTH.exec(iso))) {
        return formatted({ year: "numeric", month: "long", timeZone: "UTC" },
          new Date(Date.UTC(+m[1], +m[2] - 1, 1)));
      }
      if ((m = LOCAL_TIME.exec(iso))) {
        return formatted(Object.assign({ timeZone: "UTC", hour: "2-digit", minute: "2-digit" },
          DAY_PARTS), new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])));
      }
      var t = Date.parse(iso);
      if (!isNaN(t) && ZONED.test(iso) && iso.indexOf("T") > 0) {
        return formatted(Object.assign({ hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
          DAY_PARTS), new Date(t));
      }
    } catch (e) {
      return null;
    }
    return null;
  }

  /* A <time> with the readable date, the ISO value in its title; the value as given when it
   * cannot be read. */
  function dateNode(iso) {
    var shown = readableDate(iso);
    if (!shown) return el("span", { className: "wt-date" }, iso || "unknown");
    return el("time", { className: "wt-date", datetime: iso, title: iso }, shown);
  }

  function dateValue(text) {
    if (!text) return NaN;
    var t = Date.parse(text);
    if (isNaN(t) && /^\d{4}-\d{2}-\d{2}$/.test(text)) t = Date.parse(text + "T00:00:00Z");
    return t;
  }

  function kindLabel(kind) {
    return String(kind || "").replace(/_/g, "-");
  }

  function confidenceLabel(p) {
    return typeof p.confidence === "number" ? "confidence " + p.confidence.toFixed(2) : "";
  }

  /* "A", "A and B", "A, B and C". */
  function andList(names) {
    if (names.length < 2) return names.join("");
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  /* A date as given, with a warning when the report flags it ("in the future", ...). */
  function dateWithNote(when, note) {
    var out = [when ? dateNode(when) : "unknown"];
    if (note) {
      out.push(" ");
      out.push(el("span", { className: "wt-badge wt-warn" }, "date " + note));
    }
    return out;
  }

  /* Code-point slicing: offsets in the report are Python string indices (code points),
   * while JavaScript strings count UTF-16 units. */
  function slicer(text) {
    var points = Array.from(text || "");
    return {
      length: points.length,
      slice: function (a, b) { return points.slice(a, b).join(""); }
    };
  }

  function render(root, data, opts) {
    opts = opts || {};
    blobUrls.forEach(function (u) { URL.revokeObjectURL(u); });
    blobUrls = [];
    clear(root);
    var view = data.view || { text: "", diffs: [] };
    var text = slicer(view.text);
    var sources = data.sources || [];
    var rank = {};
    sources.forEach(function (s, i) { rank[s.id] = i; });
    var byId = {};
    sources.forEach(function (s) { byId[s.id] = s; });
    var passages = (data.passages || []).map(function (p, i) {
      return {
        p: p, index: i, rank: rank[p.source_id] === undefined ? 0 : rank[p.source_id],
        diff: (view.diffs || [])[i] || null
      };
    });
    var later = data.later || [];
    var laterRank = {};
    later.forEach(function (s, i) { laterRank[s.id] = i; });
    var laterPassages = (data.later_passages || []).map(function (p, i) {
      return {
        p: p, index: i, rank: laterRank[p.source_id] === undefined ? 0 : laterRank[p.source_id],
        diff: (view.later_diffs || [])[i] || null
      };
    });
    var earliestIds = data.earliest_sources ||
      (data.earliest_source ? [data.earliest_source] : []);
    var tie = earliestIds.length > 1;
    function isEarliest(id) { return earliestIds.indexOf(id) >= 0; }
    function earliestBadge() {
      return el("span", { className: "wt-badge" }, tie ? "tied first" : "first published");
    }
    var state = { current: -1, lastMark: null };

    /* -- summary ------------------------------------------------------------------------ */
    var summary = el("section", { className: "wt-card wt-summary", "aria-labelledby": "wt-h-result" });
    summary.appendChild(el("h2", { id: "wt-h-result", tabindex: "-1" }, "Where this text came from"));
    var q = data.query || {};
    var meta = [];
    if (q.title) meta.push(el("strong", null, q.title));
    if (q.source) meta.push(el("span", null, q.source));
    if (q.published_at) meta.push(el("span", null, dateWithNote(q.published_at, q.published_at_note)));
    if (q.url) meta.push(linkOrText(q.url));
    if (meta.length) {
      var metaLine = el("p", { className: "wt-meta" }, [el("span", { className: "wt-sr" }, "Article: ")]);
      meta.forEach(function (m, i) {
        if (i) metaLine.appendChild(document.createTextNode(" · "));
        metaLine.appendChild(m);
      });
      summary.appendChild(metaLine);
    }
    var stats = el("dl", { className: "wt-stats" });
    function stat(label, value) {
      stats.appendChild(el("div", null, [el("dt", null, label), el("dd", null, value)]));
    }
    stat("Attributed", percent(data.coverage));
    stat("Sources", String(sources.length));
    stat("Passages", String(passages.length));
    if (data.later) {
      stat("Later documents", data.direction_checked === false ? "not checked" : String(later.length));
    }
    var firsts = earliestIds.map(function (id) { return byId[id]; })
      .filter(function (s) { return s; })
      .sort(function (x, y) { return rank[x.id] - rank[y.id]; });
    function firstLabel(s) {
      return [el("span", { className: "wt-swatch wt-src-" + (rank[s.id] % PALETTE) },
        sourceLabel(s, rank[s.id])), " ", sourceName(s),
      s.published_at ? " (" : "", s.published_at ? dateNode(s.published_at) : null,
      s.published_at ? ")" : ""];
    }
    if (tie && firsts.length) {
      var names = [];
      firsts.forEach(function (s, i) {
        if (i) names.push(i === firsts.length - 1 ? " and " : ", ");
        names = names.concat(firstLabel(s));
      });
      stats.appendChild(el("div", { className: "wt-stat-wide", id: "wt-first" }, [
        el("dt", null, "First published"),
        el("dd", null, ["Tie: "].concat(names,
          [" — order unknown at the precision of their dates"]))]));
    } else {
      stats.appendChild(el("div", { id: "wt-first" }, [el("dt", null, "First published"),
        el("dd", null, firsts.length ? firstLabel(firsts[0]) : "no dated source")]));
    }
    summary.appendChild(stats);
    if (data.direction_checked === false) {
      summary.appendChild(el("p", { className: "wt-note wt-direction", id: "wt-direction" }, [
        el("strong", null, "Direction not checked: the article has no date."),
        " A document listed as a source may be a later copy of this article. Give the " +
        "article's publication date to set later documents apart."]));
    }
    if (data.hidden_passages) {
      summary.appendChild(el("p", { className: "wt-note", id: "wt-hidden" },
        data.hidden_passages + (data.hidden_passages === 1 ? " passage" : " passages") +
        " with a confidence below " + Number(data.min_confidence || 0).toFixed(2) +
        " not shown."));
    }
    if (!sources.length && later.length) {
      summary.appendChild(el("p", { className: "wt-note", id: "wt-only-later" },
        "No document dated before this article shares its text. The text it shares is in " +
        "later documents, listed below: copies of it or of a common source, not its sources."));
    } else if (!sources.length) {
      summary.appendChild(el("p", { className: "wt-note" },
        "No indexed document shares text with this article, so nothing is highlighted. " +
        "The signals below still apply."));
    }
    root.appendChild(summary);

    /* -- article with highlights ------------------------------------------------------------ */
    var articleCard = el("section", { className: "wt-card", "aria-labelledby": "wt-h-article" });
    articleCard.appendChild(el("h2", { id: "wt-h-article" }, "Article, coloured by source"));
    if (sources.length) {
      var legend = el("ul", { className: "wt-legend", "aria-label": "Legend" });
      sources.forEach(function (s, i) {
        legend.appendChild(el("li", null, [
          el("span", { className: "wt-swatch wt-src-" + (i % PALETTE) }, sourceLabel(s, i)),
          " ", sourceName(s), s.source ? " — " + s.source : ""
        ]));
      });
      articleCard.appendChild(legend);
      articleCard.appendChild(el("p", { className: "wt-hint wt-screen-only" },
        "Select a highlighted passage (click, or Tab then Enter) to compare it with its source."));
    }
    var laterHint = el("p", { className: "wt-hint", hidden: true }, [
      el("span", { className: "wt-later-mark" }, "Grey, dotted"),
      " text is found only in later documents, dated after this article (listed below): " +
      "they are not its sources."]);
    articleCard.appendChild(laterHint);
    var article = el("div", { className: "wt-article", id: "wt-article" });
    var bounds = [0, text.length];
    passages.concat(laterPassages).forEach(function (x) {
      bounds.push(Math.max(0, Math.min(text.length, x.p.query_start)));
      bounds.push(Math.max(0, Math.min(text.length, x.p.query_end)));
    });
    /* Changed facts (fact_drift signals): marked in the text, the source's wording beside. */
    var facts = (data.signals || []).filter(function (s) { return s.fact; })
      .map(function (s) { return s.fact; });
    facts.forEach(function (f) {
      bounds.push(Math.max(0, Math.min(text.length, f.start)));
      bounds.push(Math.max(0, Math.min(text.length, f.end)));
    });
    /* The source's wording beside a changed fact; spaced by CSS, not by text, so that the
     * article's own text is unchanged (pieces of it are counted and copied). */
    function wasNote(f, where) {
      return el("span", { className: "wt-was " + where, "aria-label": "; the source said: ",
        title: "The source said this: " + f.type + " changed" }, "source: " + (f.from || "(nothing)"));
    }
    /* The nodes of the text between a0 and a1: a changed fact wrapped, its source's wording
     * after it (or, for words the article left out, where they stood). */
    function pieceNodes(a0, a1) {
      var piece = text.slice(a0, a1);
      var nodes = [];
      facts.forEach(function (f) {
        if (f.start === f.end && f.start === a0) nodes.push(wasNote(f, "wt-was-before"));
      });
      var inFact = facts.filter(function (f) { return f.start <= a0 && f.end >= a1 && f.start < f.end; });
      nodes.push(inFact.length ? el("span", { className: "wt-drift",
        title: "Fact changed (" + inFact[0].type + "): the source said \u201c" + inFact[0].from + "\u201d" },
        piece) : document.createTextNode(piece));
      facts.forEach(function (f) {
        if (f.start < f.end && f.end === a1) nodes.push(wasNote(f, "wt-was-after"));
      });
      return nodes;
    }
    bounds = bounds.sort(function (a, b) { return a - b; })
      .filter(function (v, i, arr) { return i === 0 || v !== arr[i - 1]; });
    for (var b = 0; b + 1 < bounds.length; b++) {
      var a0 = bounds[b], a1 = bounds[b + 1];
      var covering = passages.filter(function (x) {
        return x.p.query_start <= a0 && x.p.query_end >= a1;
      });
      var piece = text.slice(a0, a1);
      if (!covering.length) {
        var inLater = laterPassages.filter(function (x) {
          return x.p.query_start <= a0 && x.p.query_end >= a1;
        });
        if (!inLater.length) {
          append(article, pieceNodes(a0, a1));
          continue;
        }
        // Text found only in documents dated after the article: shown, but not as a source.
        var labels = inLater.map(function (x) { return "[L" + (x.rank + 1) + "]"; })
          .filter(function (v, i, arr) { return arr.indexOf(v) === i; });
        laterHint.hidden = false;
        article.appendChild(el("span", {
          className: "wt-later-mark",
          "data-later-passage": inLater[0].index,
          title: "Also in later document " + labels.join(", ") +
            ", dated after this article: not a source"
        }, piece));
        continue;
      }
      covering.sort(function (x, y) { return x.rank - y.rank || y.p.score - x.p.score; });
      var owner = covering[0];
      var others = covering.length > 1 ? " (also in " + (covering.length - 1) + " more)" : "";
      var mark = el("mark", {
        className: "wt-mark wt-src-" + (owner.rank % PALETTE) + " wt-kind-" + owner.p.kind +
          (covering.length > 1 ? " wt-multi" : ""),
        tabindex: "0",
        role: "button",
        "data-passage": owner.index,
        "aria-label": "Passage " + (owner.index + 1) + ", from source " + (owner.rank + 1) +
          ", " + kindLabel(owner.p.kind) + others + ": " + piece,
        title: "Source [" + (owner.rank + 1) + "], " + kindLabel(owner.p.kind) +
          (confidenceLabel(owner.p) ? ", " + confidenceLabel(owner.p) : "") + others
      });
      if (a0 === owner.p.query_start) {
        mark.appendChild(el("span", { className: "wt-tag", "aria-hidden": "true" },
          String(owner.rank + 1)));
      }
      append(mark, pieceNodes(a0, a1));
      article.appendChild(mark);
    }
    articleCard.appendChild(article);
    root.appendChild(articleCard);

    /* -- side by side ----------------------------------------------------------------------- */
    /* The comparison opens inside the article, under the paragraph of the chosen passage, so
     * that the reader keeps their place; closed, it waits hidden after the article. */
    var compare = el("section", {
      className: "wt-card wt-compare", id: "wt-compare", hidden: true,
      "aria-labelledby": "wt-h-compare"
    });
    articleCard.appendChild(compare);
    // How far (in characters) to look for the end of the passage's paragraph.
    var PARAGRAPH_REACH = 1500;

    function unplace() {
      if (compare.parentNode === article) {
        article.removeChild(compare);
        article.normalize();  // join the text split to make room
      }
      articleCard.appendChild(compare);
    }

    /* Put the comparison after the line break that ends the paragraph of `mark` (splitting
     * that text node), or right after the mark when no break comes soon. */
    function placeNear(mark) {
      unplace();
      if (!mark || mark.parentNode !== article) return;
      var seen = 0;
      for (var node = mark.nextSibling; node && seen < PARAGRAPH_REACH; node = node.nextSibling) {
        if (node.nodeType === 3) {
          var at = node.data.indexOf("\n");
          if (at >= 0) {
            article.insertBefore(compare, node.splitText(at + 1));
            return;
          }
        }
        seen += (node.textContent || "").length;
      }
      article.insertBefore(compare, mark.nextSibling);
    }

    function sideText(x, side) {
      var box = el("div", { className: "wt-passage" });
      var diff = x.diff;
      if (!diff) {
        box.appendChild(document.createTextNode(
          side === "query" ? text.slice(x.p.query_start, x.p.query_end) : "(source text not included)"));
        return box;
      }
      diff.forEach(function (op) {
        var kind = op[0], src = op[1], qry = op[2];
        var part = side === "query" ? qry : src;
        if (!part) return;
        if (kind === "equal") {
          box.appendChild(document.createTextNode(part));
          return;
        }
        // Mark the changed words only; white space around them stays plain text.
        var m = /^(\s*)([\s\S]*?)(\s*)$/.exec(part);
        if (m[1]) box.appendChild(document.createTextNode(m[1]));
        var added = side === "query";
        box.appendChild(el(added ? "ins" : "del", { className: added ? "wt-ins" : "wt-del" },
          [el("span", { className: "wt-sr" }, added ? "[added: " : "[removed: "), m[2],
            el("span", { className: "wt-sr" }, "]")]));
        if (m[3]) box.appendChild(document.createTextNode(m[3]));
      });
      return box;
    }

    /* The edits of a passage, each with its type (rename, synonym, number, ...). */
    function appendEdits(box, p, other) {
      var edits = p.edits || [];
      if (!edits.length) {
        box.appendChild(el("p", { className: "wt-label" },
          p.kind === "verbatim" ? "Copied word for word." : "No word-level edits listed."));
        return;
      }
      var list = el("ul", { className: "wt-edits",
        "aria-label": "Edits from the " + other + " to this article" });
      edits.forEach(function (e) {
        list.appendChild(el("li", null, [
          e.type ? el("span", { className: "wt-etype" }, e.type) : null, e.type ? " " : null,
          el("del", { className: "wt-del" }, e.from),
          el("span", { "aria-label": " changed to " }, " → "), el("ins", { className: "wt-ins" }, e.to)]));
      });
      box.appendChild(el("p", { className: "wt-label" }, "Edits (" + other + " → this article):"));
      box.appendChild(list);
    }

    /* This article's span beside the other document's (its text, or its title for a
     * headline), with the changed words marked. */
    function sidesOf(x, otherName) {
      var field = x.p.source_field === "title" ? " title" : "";
      return el("div", { className: "wt-sides" }, [
        el("div", { className: "wt-side" }, [
          el("h3", null, "This article (characters " + x.p.query_start + "–" + x.p.query_end + ")"),
          sideText(x, "query")]),
        el("div", { className: "wt-side" }, [
          el("h3", null, otherName + field + " (characters " + x.p.source_start +
            "–" + x.p.source_end + ")"),
          sideText(x, "source")])
      ]);
    }

    function marksOf(index) {
      return article.querySelectorAll('.wt-mark[data-passage="' + index + '"]');
    }

    function open(index, fromMark) {
      var x = passages[index];
      if (!x) return;
      if (state.current >= 0) {
        Array.prototype.forEach.call(marksOf(state.current), function (m) {
          m.classList.remove("wt-selected");
          m.removeAttribute("aria-pressed");
        });
      }
      state.current = index;
      var marks = marksOf(index);
      state.lastMark = fromMark || marks[0] || state.lastMark;
      Array.prototype.forEach.call(marks, function (m) {
        m.classList.add("wt-selected");
        m.setAttribute("aria-pressed", "true");
      });
      var s = sources[x.rank] || { id: x.p.source_id };
      clear(compare);
      placeNear(fromMark || marks[0]);
      compare.hidden = false;
      compare.appendChild(el("h2", { id: "wt-h-compare", tabindex: "-1" },
        "Passage " + (index + 1) + " of " + passages.length + ": " + kindLabel(x.p.kind) +
        ", similarity " + Number(x.p.score).toFixed(2) +
        (confidenceLabel(x.p) ? ", " + confidenceLabel(x.p) : "")));
      var srcLine = el("p", { className: "wt-meta" }, [
        el("span", { className: "wt-swatch wt-src-" + (x.rank % PALETTE) }, sourceLabel(s, x.rank)),
        " ", linkOrText(s.url, sourceName(s))]);
      if (s.source) srcLine.appendChild(document.createTextNode(" — " + s.source));
      if (s.published_at) append(srcLine, [", ", dateNode(s.published_at)]);
      if (isEarliest(s.id)) {
        srcLine.appendChild(document.createTextNode(" "));
        srcLine.appendChild(earliestBadge());
      }
      compare.appendChild(srcLine);
      if (x.p.source_field === "title") {
        compare.appendChild(el("p", { className: "wt-note wt-from-title" },
          "A headline: this text matches the source's title, shown on the right."));
      }
      appendEdits(compare, x.p, "source");
      compare.appendChild(sidesOf(x, "Source " + sourceLabel(s, x.rank)));
      var overlapping = passages.filter(function (y) {
        return y.index !== index && y.p.query_start < x.p.query_end && y.p.query_end > x.p.query_start;
      });
      if (overlapping.length) {
        var also = el("p", { className: "wt-also" }, "Also matched here: ");
        overlapping.forEach(function (y) {
          also.appendChild(el("button", {
            type: "button", className: "wt-btn wt-btn-small", "data-open": y.index
          }, "passage " + (y.index + 1) + " from source [" + (y.rank + 1) + "]"));
          also.appendChild(document.createTextNode(" "));
        });
        compare.appendChild(also);
      }
      var nav = el("div", { className: "wt-nav" }, [
        el("button", { type: "button", className: "wt-btn", "data-open": index - 1,
          disabled: index === 0 ? "disabled" : null }, "Previous passage"),
        el("button", { type: "button", className: "wt-btn", "data-open": index + 1,
          disabled: index === passages.length - 1 ? "disabled" : null }, "Next passage"),
        el("button", { type: "button", className: "wt-btn wt-btn-quiet", "data-close": "1" },
          "Close (Esc)")
      ]);
      compare.appendChild(nav);
      var heading = compare.querySelector("h2");
      if (compare.scrollIntoView) compare.scrollIntoView({ block: "nearest" });
      heading.focus({ preventScroll: true });
    }

    function close() {
      if (compare.hidden) return;
      compare.hidden = true;
      unplace();
      if (state.current >= 0) {
        Array.prototype.forEach.call(marksOf(state.current), function (m) {
          m.classList.remove("wt-selected");
          m.removeAttribute("aria-pressed");
        });
      }
      state.current = -1;
      if (state.lastMark) state.lastMark.focus();
    }

    article.addEventListener("click", function (ev) {
      var mark = ev.target.closest ? ev.target.closest(".wt-mark") : null;
      if (mark) open(Number(mark.getAttribute("data-passage")), mark);
    });
    article.addEventListener("keydown", function (ev) {
      var mark = ev.target.closest ? ev.target.closest(".wt-mark") : null;
      if (mark && (ev.key === "Enter" || ev.key === " ")) {
        ev.preventDefault();
        open(Number(mark.getAttribute("data-passage")), mark);
      }
    });
    compare.addEventListener("click", function (ev) {
      var button = ev.target.closest ? ev.target.closest("button") : null;
      if (!button) return;
      if (button.hasAttribute("data-close")) close();
      else if (button.hasAttribute("data-open")) open(Number(button.getAttribute("data-open")));
    });
    if (root.wtEscape) root.removeEventListener("keydown", root.wtEscape);
    root.wtEscape = function (ev) {
      if (ev.key === "Escape" && !compare.hidden) {
        ev.preventDefault();
        close();
      }
    };
    root.addEventListener("keydown", root.wtEscape);

    /* -- sources ------------------------------------------------------------------------------ */
    function documentTable(id, caption, docs, label, swatchClass, extra) {
      var table = el("table", { className: "wt-table", id: id });
      table.appendChild(el("caption", { className: "wt-sr" }, caption));
      table.appendChild(el("thead", null, el("tr", null, [label, "Title", "Outlet",
        "Published", "Share", "Passages", ""].map(function (h) {
        return el("th", { scope: "col" }, h || el("span", { className: "wt-sr" }, "Actions"));
      }))));
      var tbody = el("tbody");
      docs.forEach(function (s, i) {
        var cells = extra(s, i);
        tbody.appendChild(el("tr", { className: cells.rowClass }, [
          el("td", null, el("span", { className: "wt-swatch " + swatchClass(i) }, cells.label)),
          el("td", null, [linkOrText(s.url, sourceName(s)), el("br"),
            el("span", { className: "wt-id" }, s.id)]),
          el("td", { "data-label": "Outlet" }, s.source || "unknown"),
          el("td", { "data-label": "Published" },
            dateWithNote(s.published_at, s.published_at_note).concat(cells.badges)),
          el("td", { className: "wt-num", "data-label": "Share" }, percent(s.coverage)),
          el("td", { className: "wt-num", "data-label": "Passages" },
            String(s.passages === undefined ? "" : s.passages)),
          el("td", null, cells.action)
        ]));
      });
      table.appendChild(tbody);
      return el("div", { className: "wt-scroll" }, table);
    }

    if (sources.length) {
      var srcCard = el("section", { className: "wt-card", "aria-labelledby": "wt-h-sources" });
      srcCard.appendChild(el("h2", { id: "wt-h-sources" }, "Sources"));
      srcCard.appendChild(documentTable("wt-sources", "Sources by share of the article", sources,
        "Source", function (i) { return "wt-src-" + (i % PALETTE); }, function (s, i) {
          var first = passages.filter(function (x) { return x.rank === i; })[0];
          return {
            label: sourceLabel(s, i),
            rowClass: isEarliest(s.id) ? "wt-earliest" : null,
            badges: isEarliest(s.id) ? [" ", earliestBadge()] : [],
            action: el("div", { className: "wt-actions-cell" }, [
              first ? el("button", {
                type: "button", className: "wt-btn wt-btn-small", "data-open": first.index,
                "aria-label": "Compare the first passage from source " + (i + 1)
              }, "Compare") : null,
              opts.onExclude ? el("button", {
                type: "button", className: "wt-btn wt-btn-small wt-btn-quiet", "data-exclude": s.id,
                "aria-label": "Exclude source " + (i + 1) + " and trace again"
              }, "Exclude and trace again") : null])
          };
        }));
      if (tie) {
        srcCard.appendChild(el("p", { className: "wt-note" }, "Tie: " +
          andList(firsts.map(sourceName)) + " — order unknown at the precision of their dates."));
      }
      srcCard.addEventListener("click", function (ev) {
        var button = ev.target.closest ? ev.target.closest("button[data-open]") : null;
        if (button) open(Number(button.getAttribute("data-open")));
        var out = ev.target.closest ? ev.target.closest("button[data-exclude]") : null;
        if (out && opts.onExclude) opts.onExclude(byId[out.getAttribute("data-exclude")], out);
      });
      root.appendChild(srcCard);
    }

    /* -- later documents ------------------------------------------------------------------------ */
    if (later.length) {
      var laterCard = el("section", { className: "wt-card wt-later", id: "wt-later",
        "aria-labelledby": "wt-h-later" });
      laterCard.appendChild(el("h2", { id: "wt-h-later" }, "Later documents — dated after this " +
        "article; copies of it or of a common source, not its sources"));
      laterCard.appendChild(documentTable("wt-later-table", "Later documents by share of the article",
        later, "Later", function () { return "wt-later-swatch"; }, function (s, i) {
          return {
            label: "L" + (i + 1), rowClass: null,
            badges: [" ", el("span", { className: "wt-badge wt-later-badge" }, "after this article")],
            action: ""
          };
        }));
      laterCard.appendChild(el("h3", null, "Shared text"));
      var laterList = el("ol", { className: "wt-later-passages" });
      laterPassages.forEach(function (x) {
        var s = later[x.rank] || { id: x.p.source_id };
        var item = el("li", { className: "wt-later-passage", "data-later-passage": x.index });
        item.appendChild(el("p", { className: "wt-meta" }, [
          el("span", { className: "wt-swatch wt-later-swatch" }, "L" + (x.rank + 1)), " ",
          sourceName(s), ": " + kindLabel(x.p.kind) + ", similarity " +
          Number(x.p.score).toFixed(2) +
          (confidenceLabel(x.p) ? ", " + confidenceLabel(x.p) : "")]));
        appendEdits(item, x.p, "later document");
        item.appendChild(sidesOf(x, "Later document L" + (x.rank + 1)));
        laterList.appendChild(item);
      });
      laterCard.appendChild(laterList);
      root.appendChild(laterCard);
    }

    /* -- time order ---------------------------------------------------------------------------- */
    if (sources.length || later.length) {
      var timeCard = el("section", { className: "wt-card", "aria-labelledby": "wt-h-time" });
      timeCard.appendChild(el("h2", { id: "wt-h-time" }, "Time order"));
      var events = [];
      var undated = [];
      sources.forEach(function (s, i) {
        var t = dateValue(s.published_at);
        if (isNaN(t)) undated.push(s);
        else events.push({ t: t, label: [el("span", { className: "wt-swatch wt-src-" + (i % PALETTE) },
          sourceLabel(s, i)), " ", sourceName(s), s.source ? " — " + s.source : ""],
        when: s.published_at, first: isEarliest(s.id) });
      });
      later.forEach(function (s, i) {
        var t = dateValue(s.published_at);
        if (!isNaN(t)) events.push({ t: t, label: [el("span", { className: "wt-swatch wt-later-swatch" },
          "L" + (i + 1)), " ", sourceName(s), s.source ? " — " + s.source : ""],
        when: s.published_at, later: true });
      });
      var qt = dateValue(q.published_at);
      if (!isNaN(qt)) events.push({ t: qt, label: [el("strong", null, "This article")], when: q.published_at, query: true });
      // Equal times keep this order: sources, then the article, then later documents.
      var order = function (e) { return e.later ? 2 : e.query ? 1 : 0; };
      events.sort(function (x, y) { return x.t - y.t || order(x) - order(y); });
      var ol = el("ol", { className: "wt-timeline" });
      events.forEach(function (e) {
        var item = el("li", { className: e.query ? "wt-query-event" : e.later ? "wt-later-event" : null },
          [dateNode(e.when), " "].concat(e.label));
        if (e.first) {
          item.appendChild(document.createTextNode(" "));
          item.appendChild(earliestBadge());
        }
        if (e.later) {
          item.appendChild(document.createTextNode(" "));
          item.appendChild(el("span", { className: "wt-badge wt-later-badge" }, "later: not a source"));
        }
        ol.appendChild(item);
      });
      if (events.length) timeCard.appendChild(ol);
      if (tie) {
        timeCard.appendChild(el("p", { className: "wt-note" }, "Tie: " +
          andList(firsts.map(sourceName)) + " — order unknown at the precision of their dates. " +
          "A date without a time covers a whole day in an unknown time zone."));
      }
      if (data.direction_checked === false) {
        timeCard.appendChild(el("p", { className: "wt-note" },
          "Direction not checked: the article has no date."));
      }
      if (undated.length) {
        timeCard.appendChild(el("p", { className: "wt-note" }, "Without a date: " +
          undated.map(function (s) { return sourceLabel(s, rank[s.id]) + " " + sourceName(s); }).join("; ")));
      }
      root.appendChild(timeCard);
    }

    /* -- fact drift -------------------------------------------------------------------------- */
    if (facts.length) {
      var driftCard = el("section", { className: "wt-card wt-drift-card", "aria-labelledby": "wt-h-drift" });
      driftCard.appendChild(el("h2", { id: "wt-h-drift" }, "Fact drift: facts this article states differently"));
      driftCard.appendChild(el("p", { className: "wt-hint" },
        "Numbers, dates, names, quotations, speakers or negations that differ from a source, " +
        "where no other source agrees with the article. Renames and synonyms are spin, listed below."));
      var dtable = el("table", { className: "wt-drift-table" });
      dtable.appendChild(el("tr", null, [el("th", null, "fact"), el("th", null, "this article"),
        el("th", null, "the source"), el("th", null, "source")]));
      facts.forEach(function (f) {
        var src = byId[f.source_id];
        var who = src ? sourceLabel(src, rank[f.source_id]) + " " + sourceName(src) : f.source_id;
        dtable.appendChild(el("tr", null, [
          el("td", null, el("span", { className: "wt-etype wt-drift-type" }, f.type)),
          el("td", null, el("ins", { className: "wt-ins" }, f.to || "(nothing)")),
          el("td", null, el("del", { className: "wt-del" }, f.from || "(nothing)")),
          el("td", null, [who, ", ", f.source_published_at ? dateNode(f.source_published_at) : "undated",
            f.source_field === "title" ? " (title)" : ""])]));
      });
      driftCard.appendChild(dtable);
      root.appendChild(driftCard);
    }

    /* -- signals ------------------------------------------------------------------------------ */
    var sigCard = el("section", { className: "wt-card", "aria-labelledby": "wt-h-signals" });
    sigCard.appendChild(el("h2", { id: "wt-h-signals" }, "Spin and integrity signals"));
    var signals = (data.signals || []).filter(function (s) { return !s.fact; });
    var words = view.signal_words || {};
    if (signals.length) {
      var ul = el("ul", { className: "wt-signals" });
      signals.forEach(function (s) {
        var kind = String(s.type);
        var w = Object.prototype.hasOwnProperty.call(words, kind) ? words[kind] : null;
        var spanned = typeof s.start === "number" && typeof s.end === "number";
        // The quoted text is shown once, from the article: not again at the end of the detail.
        var detail = String(s.detail || "");
        if (spanned) detail = detail.replace(/:\s*['"\u2018\u201c][\s\S]*$/, "");
        var item = el("li", { className: "wt-signal wt-signal-" + kind.replace(/[^a-z0-9_-]/gi, "") }, [
          el("p", { className: "wt-sig-head" }, [
            el("strong", { className: "wt-sigtype" }, w ? w.title : kind),
            w ? " " : null,
            w ? el("code", { className: "wt-sigcode", title: "Signal type in the JSON report" }, kind) : null]),
          w ? el("p", { className: "wt-sig-explain" }, w.explain) : null,
          detail ? el("p", { className: "wt-sig-detail" }, detail) : null]);
        if (spanned) {
          var cut = s.end > s.start + 160;
          item.appendChild(el("q", { className: "wt-quote" },
            text.slice(s.start, Math.min(s.end, s.start + 160)) + (cut ? "\u2026" : "")));
        }
        ul.appendChild(item);
      });
      sigCard.appendChild(ul);
    } else {
      sigCard.appendChild(el("p", null, "No signal was raised."));
    }
    root.appendChild(sigCard);

    /* -- downloads ----------------------------------------------------------------------------- */
    var dl = el("section", { className: "wt-card", "aria-labelledby": "wt-h-download" });
    dl.appendChild(el("h2", { id: "wt-h-download" }, "Download"));
    var report = {};
    Object.keys(data).forEach(function (k) { if (k !== "view") report[k] = data[k]; });
    var jsonUrl = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)],
      { type: "application/json" }));
    blobUrls.push(jsonUrl);
    var links = el("p", { className: "wt-downloads" }, [
      el("a", { href: jsonUrl, download: "wiretrace-report.json", className: "wt-btn", id: "wt-dl-json" },
        "JSON report")]);
    if (opts.onDownloadHtml) {
      links.appendChild(document.createTextNode(" "));
      var htmlButton = el("button", { type: "button", className: "wt-btn", id: "wt-dl-html" },
        "HTML report");
      htmlButton.addEventListener("click", function () { opts.onDownloadHtml(htmlButton); });
      links.appendChild(htmlButton);
    }
    dl.appendChild(links);
    root.appendChild(dl);

    return { open: open, close: close };
  }

  window.WiretraceReport = { render: render, safeHref: safeHref };

  var dataNode = document.getElementById("wt-data");
  var target = document.getElementById("wt-report");
  if (dataNode && target) {
    try {
      render(target, JSON.parse(dataNode.textContent), {});
    } catch (err) {
      target.textContent = "This report could not be drawn: " + err;
    }
  }
})();
