/* citekb: show a citation's full reference on hover and keyboard focus.
   The link is already described (aria-describedby) by the reference text, so screen readers
   read it without this preview. The preview follows WCAG 1.4.13: the pointer can move into it
   and it stays; Tab from the citation enters it, so its links (the DOI) can be focused and
   clicked; Tab past its last link goes on to what follows the citation; Esc dismisses it and
   gives focus back to the citation. It is kept inside the viewport, also at 390 px. */
(function () {
  "use strict";
  var preview = null;
  var current = null;
  var hideTimer = 0;
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function box() {
    if (!preview) {
      preview = document.createElement("div");
      preview.className = "citekb-preview";
      preview.id = "citekb-preview";
      preview.setAttribute("role", "dialog");
      preview.setAttribute("aria-label", "Reference");
      preview.hidden = true;
      preview.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      preview.addEventListener("mouseleave", function () { schedule(); });
      preview.addEventListener("keydown", keyInPreview);
      preview.addEventListener("focusout", function (e) {
        if (!preview.contains(e.relatedTarget) && e.relatedTarget !== current) schedule();
      });
      document.body.appendChild(preview);
    }
    return preview;
  }

  function entryFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    return id ? document.getElementById(id) : null;
  }

  function show(link) {
    var entry = entryFor(link);
    if (!entry) return;
    clearTimeout(hideTimer);
    var el = box();
    el.textContent = "";
    var text = entry.querySelector(".citekb-ref-text");
    var copy = (text || entry).cloneNode(true);
    copy.removeAttribute("id");
    el.appendChild(copy);
    var labels = entry.querySelectorAll(".citekb-badge, .citekb-notice, .citekb-verification");
    for (var i = 0; i < labels.length; i++) el.appendChild(labels[i].cloneNode(true));
    el.hidden = false;
    current = link;
    place(link, el);
  }

  function place(link, el) {
    var view = document.documentElement.clientWidth;
    el.style.maxWidth = Math.min(544, view - 16) + "px";
    var r = link.getBoundingClientRect();
    var width = el.offsetWidth;
    var left = Math.max(8, Math.min(r.left, view - width - 8));
    var below = r.bottom + el.offsetHeight + 12 < window.innerHeight || r.top < el.offsetHeight + 12;
    var top = below ? r.bottom + 6 : r.top - el.offsetHeight - 6;
    el.style.left = left + window.scrollX + "px";
    el.style.top = top + window.scrollY + "px";
  }

  function hide(refocus) {
    clearTimeout(hideTimer);
    if (preview) {
      if (refocus && current && preview.contains(document.activeElement)) current.focus();
      preview.hidden = true;
    }
    current = null;
  }

  function schedule() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { hide(false); }, 150);
  }

  function citeOf(target) {
    return target && target.closest ? target.closest("a.citekb-cite") : null;
  }

  function focusables(root) {
    return Array.prototype.filter.call(root.querySelectorAll(FOCUSABLE), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }

  /* The focusable element after the citation in the page, skipping the preview. */
  function after(link) {
    var all = focusables(document).filter(function (el) { return !preview.contains(el); });
    var at = all.indexOf(link);
    return at >= 0 && at + 1 < all.length ? all[at + 1] : null;
  }

  function keyInPreview(e) {
    if (e.key === "Escape") { e.preventDefault(); hide(true); return; }
    if (e.key !== "Tab" || !current) return;
    var inside = focusables(preview);
    var first = inside[0];
    var last = inside[inside.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      current.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      var link = current;
      var next = after(link);
      hide(false);
      if (next) next.focus(); else link.blur();
    }
  }

  document.addEventListener("mouseover", function (e) {
    var link = citeOf(e.target);
    if (link && link !== current) show(link);
    else if (link) clearTimeout(hideTimer);
  });
  document.addEventListener("mouseout", function (e) {
    var link = citeOf(e.target);
    if (link && !link.contains(e.relatedTarget) && !(preview && preview.contains(e.relatedTarget))) {
      schedule();
    }
  });
  document.addEventListener("focusin", function (e) {
    var link = citeOf(e.target);
    if (link) show(link);
    else if (current && !(preview && preview.contains(e.target))) hide(false);
  });
  document.addEventListener("focusout", function (e) {
    if (citeOf(e.target) && !(preview && preview.contains(e.relatedTarget))) schedule();
  });
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented) return; // already handled inside the preview
    if (e.key === "Escape" && current) { hide(true); return; }
    if (e.key === "Tab" && !e.shiftKey && current && document.activeElement === current) {
      var inside = focusables(box());
      if (inside.length) { e.preventDefault(); clearTimeout(hideTimer); inside[0].focus(); }
    }
  });
  document.addEventListener("click", function (e) {
    if (citeOf(e.target)) hide(false);
  });
  window.addEventListener("resize", function () { if (current) place(current, preview); });
})();

/* citekb: a page's "Download these references" links lead to the files of every work the site
   cites. Where the page lists its works (data-citekb-keys), a click gives a file of those works
   alone instead, joined from each work's blocks (data-citekb-blocks) as citekb's export writes
   it. Without script, or where the blocks cannot be fetched (a page opened from disk), the
   link downloads the site's whole file. */
(function () {
  "use strict";
  var SUFFIX = { bib: "bibtex", ris: "ris", json: "csl-json" };
  var TYPES = { bib: "application/x-bibtex", ris: "application/x-research-info-systems",
    json: "application/vnd.citationstyles.csl+json" };
  var blocks = {};

  function join(format, parts) {
    if (format === "csl-json") return parts.length ? "[\n" + parts.join(",\n") + "\n]\n" : "[]\n";
    return parts.length ? parts.join("\n\n") + "\n" : "";
  }

  function save(text, name, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function whole(link) {
    var a = document.createElement("a");
    a.href = link.href;
    a.download = "";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest(".citekb-downloads a[download]") : null;
    var box = link ? link.parentElement : null;
    if (!box || !box.hasAttribute("data-citekb-keys") || !window.fetch) return;
    var suffix = link.getAttribute("href").split(".").pop();
    var format = SUFFIX[suffix];
    if (!format) return;
    e.preventDefault();
    var source = new URL(box.getAttribute("data-citekb-blocks"), document.baseURI).href;
    blocks[source] = blocks[source] || fetch(source).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
    blocks[source].then(function (all) {
      var keys = JSON.parse(box.getAttribute("data-citekb-keys"));
      var parts = [];
      for (var i = 0; i < keys.length; i++) {
        if (all[keys[i]]) parts.push(all[keys[i]][format]);
      }
      save(join(format, parts), box.getAttribute("data-citekb-name") + "." + suffix, TYPES[suffix]);
    }).catch(function () {
      delete blocks[source];
      whole(link);
    });
  });
})();
