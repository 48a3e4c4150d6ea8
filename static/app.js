// JobHive client glue. No inline scripts anywhere: data travels in
// <script type="application/json" data-chart="DIV-ID"> blocks that this file reads.
(function () {
  "use strict";

  // No mode bar, whatever a figure asks: its buttons were tab stops that show only on hover (a keyboard user
  // met up to 18 invisible ones per page) inside a chart that reads as one image (role="img"). Each chart's
  // summary and data table say what it shows; the mouse still zooms by dragging (double-click resets).
  function draw(target, figure) {
    var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {}, { displayModeBar: false });
    window.Plotly.react(target, figure.data || [], figure.layout || {}, config);
  }

  function drawCharts(root) {
    if (!window.Plotly) return;
    // A live poll's chart is kept across the swap (hx-preserve) and redrawn in place with every point.
    root.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
      var target = document.getElementById(node.dataset.chart);
      if (target) draw(target, JSON.parse(node.textContent));
    });
  }

  // Move keyboard focus to the main landmark after a full-page htmx navigation.
  function focusMain(event) {
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) main.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); focusMain(event); });
})();

// Learning paths: drag a resource to a new place. It posts the same move endpoint as the
// keyboard-accessible up/down buttons (which stay the way to reorder without a mouse).
(function () {
  "use strict";
  var dragged = null;

  function entryOf(node) {
    return node && node.closest ? node.closest(".lp-entries > li.lp-entry") : null;
  }

  function enableDragging() {
    document.querySelectorAll(".lp-entries > li.lp-entry").forEach(function (li) { li.draggable = true; });
  }

  function clearMarks() {
    document.querySelectorAll(".lp-entry.is-drop-target, .lp-entry.is-dragging").forEach(function (li) {
      li.classList.remove("is-drop-target", "is-dragging");
    });
  }

  // htmx:load fires for the page and for every swapped-in element (a replaced list included).
  document.addEventListener("htmx:load", enableDragging);

  document.addEventListener("dragstart", function (event) {
    dragged = entryOf(event.target);
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.entryId);
    dragged.classList.add("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    var over = entryOf(event.target);
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    document.querySelectorAll(".lp-entry.is-drop-target").forEach(function (li) {
      if (li !== over) li.classList.remove("is-drop-target");
    });
    over.classList.add("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var over = entryOf(event.target);
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var position = Array.prototype.indexOf.call(over.parentNode.children, over) + 1;
    window.htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged, target: "#entry-list", swap: "outerHTML", values: { position: position }
    });
  });

  document.addEventListener("dragend", function () {
    clearMarks();
    dragged = null;
  });
})();

// Keyboard: focus stays where the user was across htmx swaps, and a swap that changes content
// silently is announced. htmx itself puts focus back on an element with the same id; anything else a
// swap replaces (a sort link, a pager link, a switch, a form's submit button) would drop focus to
// <body>, and a keyboard user would start again from the top of the page. So before a swap we note
// the focused element and how to recognise it; after, if it is gone and nothing holds focus, we
// focus its counterpart in the new content, else the nearest control, heading or region there.
(function () {
  "use strict";
  var FOCUSABLE = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  var notes = new WeakMap();  // per request (its xhr): what held focus before its swap, so two answers never mix

  // What a person hears as the control's name: aria-label, else its visible words (a sort link's
  // "sorted ascending; click to reverse" changes with every sort, so hidden text is left out).
  function nameOf(el) {
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    var copy = el.cloneNode(true);
    copy.querySelectorAll('[aria-hidden="true"], .visually-hidden').forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function usable(el) {
    if (el.disabled || el.closest("[inert]")) return false;
    return el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : el.getClientRects().length > 0;
  }

  // A control folded inside a closed <details> (the notes editor after a save) is reached by its summary.
  function reachable(el) {
    if (usable(el)) return el;
    var details = el.closest("details:not([open])");
    var summary = details && details.querySelector(":scope > summary");
    return summary && usable(summary) ? summary : null;
  }

  // The controls Tab can reach in a region, in order.
  function focusables(scope) {
    return Array.prototype.filter.call(scope.querySelectorAll(FOCUSABLE), function (el) {
      return (!el.closest("details:not([open])") || el.matches("details > summary")) && usable(el);
    });
  }

  function describe(el) {
    var ids = [];
    for (var up = el.parentElement; up; up = up.parentElement) { if (up.id) ids.push(up.id); }
    var scope = (ids.length && document.getElementById(ids[0])) || document.body;
    var around = focusables(scope);
    return {
      el: el, ids: ids, tag: el.tagName, key: el.getAttribute("data-focus-key"),
      name: el.getAttribute("name"), value: el.getAttribute("value"), label: nameOf(el),
      href: el.getAttribute("href"), form: !!el.closest("form"),
      index: around.indexOf(el), fromEnd: around.length - 1 - around.indexOf(el)
    };
  }

  // Alike, in this order: the same data-focus-key (set on a control whose words change, such as a switch
  // reading "Active" then "Inactive"), name and value, name as heard, or link target.
  function counterpart(was, scope) {
    var all = Array.prototype.slice.call(scope.querySelectorAll(FOCUSABLE));
    var tests = [
      function (el) { return was.key && el.getAttribute("data-focus-key") === was.key; },
      function (el) { return was.name && el.tagName === was.tag && el.getAttribute("name") === was.name && el.getAttribute("value") === was.value; },
      function (el) { return was.label && el.tagName === was.tag && nameOf(el) === was.label; },
      function (el) { return was.href && el.getAttribute("href") === was.href; }
    ];
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < all.length; i++) {
        if (tests[t](all[i])) { var found = reachable(all[i]); if (found) return found; }
      }
    }
    // Nothing alike (a "Next" link on the last page): the control in its old place, counted from the
    // nearer end of the region (a pager sits after a number of rows that changes from page to page).
    var list = focusables(scope);
    if (was.index < 0 || !list.length) return null;
    if (was.fromEnd < was.index) return list[Math.max(0, list.length - 1 - was.fromEnd)];
    return list[Math.min(was.index, list.length - 1)];
  }

  // A heading or the region itself, made focusable from script only.
  function landing(scope) {
    var target = scope.querySelector("h1, h2, h3, h4") || scope;
    if (target === document.body) return null;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    return target;
  }

  function restore(was) {
    if (was.el.isConnected) return;
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;  // htmx found it by id
    var scope = null;
    for (var i = 0; i < was.ids.length && !scope; i++) scope = document.getElementById(was.ids[i]);
    scope = scope || document.body;
    // A form answered with problems: its error summary (made focusable for this), else the first field to fix.
    var invalid = was.form && (scope.querySelector('[role="alert"][tabindex="-1"]') ||
      Array.prototype.find.call(scope.querySelectorAll('[aria-invalid="true"]'), usable));
    var target = invalid || counterpart(was, scope) || landing(scope);
    if (target) target.focus();
  }

  // Said after a swap the person started: the new content's status messages, else its summary
  // (which column it is sorted by, "Showing 1–20 of 57 jobs", "No jobs match"). Copied into one
  // live region that is always on the page: a status inserted with its text is often not read.
  function summary(root) {
    function texts(selector) {
      var said = [];
      root.querySelectorAll(selector).forEach(function (el) {
        var text = nameOf(el);
        var seen = el.checkVisibility ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : usable(el);
        if (text && said.indexOf(text) < 0 && seen && !el.closest(".htmx-indicator")) said.push(text);
      });
      return said;
    }
    var statuses = texts('[role="status"]:not([aria-live])');
    if (statuses.length) return statuses.join(". ");
    var said = texts("[data-swap-summary]");
    var sorted = root.querySelector("th[aria-sort]");
    if (sorted) said.unshift("Sorted by " + nameOf(sorted) + ", " + sorted.getAttribute("aria-sort"));
    return said.join(". ");
  }

  function announce(text) {
    var region = document.getElementById("swap-announcer");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);  // the same words twice are read twice
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (!event.detail.xhr) return;
    notes.set(event.detail.xhr, {
      targetId: event.detail.target && event.detail.target.id,
      byPerson: !!(trigger && trigger.isTrusted),
      was: active && active !== document.body && active !== document.documentElement ? describe(active) : null
    });
  });

  // After the settle, not the swap: htmx wires up the new content (hx-post on a switch's form) only then,
  // and a key pressed on a control that is not wired yet would submit its form as a whole page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var done = event.detail.xhr && notes.get(event.detail.xhr);
    if (!done) return;
    notes.delete(event.detail.xhr);  // htmx:afterSettle fires once per swapped element (out-of-band ones too): act once
    if (done.was) restore(done.was);
    var root = (done.targetId && document.getElementById(done.targetId)) || event.target;
    if (done.byPerson && root && root.isConnected) announce(summary(root));
  });

  // Rankings: the bar after the table says (politely) how many candidates are ticked to compare.
  function compareCount(form) {
    var out = document.getElementById("compare-count");
    if (!out) return;
    var n = document.querySelectorAll('input[type="checkbox"][form="' + form + '"]:checked').length;
    var text = n === 0 ? "No candidates selected: tick 2 to 4 to compare them."
      : n === 1 ? "1 candidate selected: tick 1 to 3 more to compare."
      : n <= 4 ? n + " candidates selected." : n + " candidates selected: compare at most 4.";
    if (out.textContent !== text) out.textContent = text;
  }
  document.addEventListener("change", function (event) {
    var form = event.target.getAttribute && event.target.getAttribute("form");
    if (form === "compare-form") compareCount(form);
  });
  // A page restored from the back/forward cache keeps its ticks; the count follows them.
  document.addEventListener("htmx:load", function () { compareCount("compare-form"); });
})();

// --- charts helper (issue 15): sentiment timeline interactions --------------------------------------
// The timeline draws the smoothed overall tone; "Show raw scores" (a real button, aria-pressed) shows
// the raw series (traces with meta "raw"), and each flag-group button highlights its group on the chart:
// the marker's hover label, a band over its question, the chart scrolled into view, and a polite
// announcement. A live poll redraws the chart (hx-preserve keeps the div), so the choice is re-applied.
(function () {
  "use strict";

  function chartOf(id) {
    var div = document.getElementById(id);
    return div && div.data && window.Plotly ? div : null;
  }

  function applyRaw(button) {
    var div = chartOf(button.dataset.rawToggle);
    if (!div) return;
    var show = button.getAttribute("aria-pressed") === "true";
    var want = show ? true : "legendonly";
    var indices = [];
    div.data.forEach(function (trace, index) {
      if (trace.meta === "raw" && trace.visible !== want) indices.push(index);
    });
    if (indices.length) window.Plotly.restyle(div, { visible: want }, indices);
    div.dataset.rawShown = show ? "true" : "false";
  }

  function highlight(button) {
    var div = chartOf(button.dataset.flagChart);
    if (!div) return;
    var trace = div.data.findIndex(function (t) { return t.meta === "flags"; });
    var point = Number(button.dataset.flagIndex);
    var shapes = (div.layout.shapes || []).filter(function (shape) { return shape.name !== "flag-highlight"; });
    var live = document.getElementById(button.dataset.flagChart + "-announce");
    if (button.getAttribute("aria-pressed") === "true") {  // pressed again: the highlight goes
      window.Plotly.relayout(div, { shapes: shapes });
      window.Plotly.Fx.unhover(div);
      button.setAttribute("aria-pressed", "false");
      if (live) live.textContent = "Highlight removed.";
      return;
    }
    shapes.push({
      name: "flag-highlight", type: "rect", xref: "x", yref: "paper", y0: 0, y1: 1,
      x0: button.dataset.flagStart, x1: button.dataset.flagEnd,
      fillcolor: "rgba(180, 35, 24, 0.12)", line: { color: "#b42318", width: 1 }, layer: "below"
    });
    window.Plotly.relayout(div, { shapes: shapes });
    div.scrollIntoView({ block: "nearest" });
    if (trace >= 0) window.Plotly.Fx.hover(div, [{ curveNumber: trace, pointNumber: point }]);
    document.querySelectorAll('[data-flag-chart="' + button.dataset.flagChart + '"]').forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    if (live) live.textContent = button.textContent.replace(/\s+/g, " ").trim() + ": highlighted on the chart.";
  }

  document.addEventListener("click", function (event) {
    var raw = event.target.closest("[data-raw-toggle]");
    if (raw) {
      raw.setAttribute("aria-pressed", raw.getAttribute("aria-pressed") === "true" ? "false" : "true");
      applyRaw(raw);
      return;
    }
    var flag = event.target.closest("[data-flag-chart]");
    if (flag) highlight(flag);
  });

  // After a live redraw (drawn by the section above, on the same event), put the reader's choice back.
  document.addEventListener("htmx:afterSwap", function () {
    window.setTimeout(function () {
      document.querySelectorAll('[data-raw-toggle][aria-pressed="true"]').forEach(applyRaw);
    }, 0);
  });
})();

// --- failures helper (issue 15): when a request fails, unsaved drafts, slider values -----------------
// Every htmx request that fails says so in #request-failure (an assertive live region in the layout)
// with Retry and Dismiss: an error status htmx does not swap (see responseHandling in base.html: 422
// validation answers, 402 and 429 swap like any answer), no answer at all, or none within htmx's timeout.
// The control is put back the way the server knows it: a box ticked for a request that failed is
// unticked, and a list whose request failed is marked out of date (its filters no longer describe it)
// until a request for it succeeds. htmx itself clears its loading classes and re-enables hx-disabled-elt
// elements whatever the outcome. A logged-out request is no failure: the server answers it 200 with
// HX-Redirect to the login page, which htmx follows.
(function () {
  "use strict";
  var UPLOAD_TIMEOUT = 120000;  // a 5 MB upload on a slow line needs more than htmx's usual 20 s
  var FOCUSABLE = 'button, input:not([type="hidden"]), select, textarea, a[href], [tabindex]:not([tabindex="-1"])';
  var failure = null;  // the failed request the message is about

  function region() { return document.getElementById("request-failure"); }

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.closest && elt.closest('[hx-encoding="multipart/form-data"]')) {
      event.detail.timeout = Math.max(event.detail.timeout || 0, UPLOAD_TIMEOUT);
    }
  });

  // The server's own words for a refusal (the error fragment, a refused form's alert), else "".
  function serverWords(xhr) {
    if (!xhr || (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") !== 0) return "";
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var said = doc.querySelector('[role="alert"], .alert, .field-error, .flash');
    var text = said ? said.textContent.replace(/\s+/g, " ").trim() : "";
    return text.length > 300 ? text.slice(0, 299) + "…" : text;
  }

  function reason(kind, xhr) {
    if (kind === "timeout") return "The server took too long to answer.";
    if (kind === "network") return "The server could not be reached: check your connection.";
    var status = xhr ? xhr.status : 0;
    if (status >= 500) return "Something went wrong on the server (error " + status + ").";
    return serverWords(xhr) || "The server refused the request (error " + status + ").";
  }

  function consequence(verb, kind, unticked, stale) {
    if (unticked) return "The box is back the way it was.";
    if (stale) return "What is shown is out of date: it does not match your latest choice yet.";
    if (verb === "get") return "";
    return kind === "status" ? "Nothing was saved." : "Your change may not have been saved.";
  }

  // A box the person ticked (or unticked) to ask for something goes back: nothing happened.
  function untick(elt, trigger) {
    if (!elt.matches('input[type="checkbox"]') || !trigger || (trigger.type !== "change" && trigger.type !== "click")) return false;
    elt.checked = !elt.checked;
    return true;
  }

  function controlOf(elt) {
    if (!elt || !elt.isConnected) return null;
    return elt.matches(FOCUSABLE) ? elt : elt.querySelector(FOCUSABLE);
  }

  function button(label, action, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-small " + (primary ? "btn-primary" : "btn-ghost");
    b.dataset.failure = action;
    b.textContent = label;
    return b;
  }

  function show(title, text) {
    var box = region();
    if (!box) return;
    var panel = document.createElement("div");
    panel.className = "request-failure-box";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = title;
    p.append(strong, " " + text);
    var actions = document.createElement("div");
    actions.className = "request-failure-actions";
    actions.append(button("Retry", "retry", true), button("Dismiss", "dismiss", false));
    panel.append(p, actions);
    box.replaceChildren(panel);
  }

  // Forget the message (and the out-of-date mark); focus inside it goes back to the control.
  function clear() {
    var box = region(), f = failure;
    failure = null;
    if (f && f.stale) f.stale.classList.remove("is-stale");
    if (!box || !box.firstChild) return;
    var hadFocus = box.contains(document.activeElement);
    box.replaceChildren();
    if (hadFocus && f) {
      var control = controlOf(f.elt) || controlOf(f.eltId && document.getElementById(f.eltId));
      if (control) control.focus();
    }
  }

  function valuesOf(config) {
    var data = config.formData, values = {};
    if (!data || typeof data.forEach !== "function") return null;
    data.forEach(function (value, key) { (values[key] = values[key] || []).push(value); });
    return values;
  }

  function fail(event, kind) {
    var d = event.detail, elt = d.elt, config = d.requestConfig || {};
    if (!elt || !config.path) return;
    var verb = (config.verb || "get").toLowerCase();
    var target = d.target && d.target.isConnected ? d.target : null;
    var unticked = untick(elt, config.triggeringEvent);
    // Content drawn for controls outside it (a list for its filters, a preview for its form) no longer
    // matches them; a control that redraws itself or what holds it keeps showing the saved state.
    var stale = target && target !== elt && !target.contains(elt) ? target : null;
    if (stale) stale.classList.add("is-stale");
    var title = stale ? "Could not update." : verb === "get" ? "Could not load." : "Could not save.";
    var text = [reason(kind, d.xhr), consequence(verb, kind, unticked, stale)].join(" ").trim();
    var repeat = failure && failure.elt === elt && failure.text === text && region() && region().firstChild;
    if (failure && failure.stale && failure.stale !== stale) failure.stale.classList.remove("is-stale");
    failure = {
      elt: elt, eltId: elt.id, target: target, targetId: target && target.id, verb: verb, path: config.path,
      values: verb === "get" ? null : valuesOf(config), swap: d.etc && d.etc.swapOverride, stale: stale, text: text
    };
    if (!repeat) show(title, text);  // a poll failing every few seconds is said once
  }

  // Retry: the same request from the same control (found again by id if a swap replaced it); a GET
  // reads the controls as they are now, anything else sends what it sent the first time.
  function retry() {
    var f = failure;
    if (!f) return;
    clear();
    var source = f.elt.isConnected ? f.elt : (f.eltId && document.getElementById(f.eltId));
    if (!source) { window.location.reload(); return; }
    var target = f.target && f.target.isConnected ? f.target : (f.targetId && document.getElementById(f.targetId));
    var context = { source: source };
    if (target) context.target = target;
    if (f.swap) context.swap = f.swap;
    if (f.values) context.values = f.values;
    var control = controlOf(source);
    if (control) control.focus();
    var done = window.htmx.ajax(f.verb, f.path, context);
    if (done && done.catch) done.catch(function () {});  // a new failure is reported by its own events
  }

  document.addEventListener("htmx:responseError", function (event) { fail(event, "status"); });
  document.addEventListener("htmx:sendError", function (event) { fail(event, "network"); });
  document.addEventListener("htmx:timeout", function (event) { fail(event, "timeout"); });

  // A later request from the same control, or for the same content, that succeeds ends the message.
  document.addEventListener("htmx:afterRequest", function (event) {
    var d = event.detail;
    if (!failure || d.successful !== true) return;
    var sameTarget = failure.targetId && d.target && d.target.id === failure.targetId;
    if (d.elt === failure.elt || sameTarget) clear();
  });

  document.addEventListener("click", function (event) {
    var action = event.target.closest && event.target.closest("[data-failure]");
    if (!action || !region() || !region().contains(action)) return;
    if (action.dataset.failure === "retry") retry(); else clear();
  });
})();

// Unsaved drafts (interview notes): what is typed into a form[data-draft] is kept in localStorage under
// "jobhive.draft.<user id>:<what>", so a session that expires mid-sentence (the save lands on the login
// page) loses nothing; the next visit puts it back with a note and a way to discard it. Saving clears
// it; so does logging out (the logout form names the user), and a draft older than 30 days is dropped.
(function () {
  "use strict";
  var PREFIX = "jobhive.draft.";
  var MAX_AGE = 30 * 24 * 3600 * 1000;

  function store() {
    try { return window.localStorage; } catch (e) { return null; }  // storage disabled: no drafts
  }
  function keyOf(form) { return PREFIX + form.dataset.draft; }
  function fieldsOf(form) { return Array.prototype.slice.call(form.querySelectorAll("textarea[name]")); }

  function read(form) {
    var s = store(), draft = null;
    if (!s) return null;
    try { draft = JSON.parse(s.getItem(keyOf(form)) || "null"); } catch (e) { draft = null; }
    if (!draft || typeof draft.fields !== "object" || !(Date.now() - draft.at < MAX_AGE)) return null;
    return draft;
  }

  function forget(form) {
    var s = store();
    if (s) s.removeItem(keyOf(form));
  }

  function write(form) {
    var s = store(), fields = {}, changed = false;
    if (!s) return;
    fieldsOf(form).forEach(function (f) {
      fields[f.name] = f.value;
      if (f.value !== f.defaultValue) changed = true;
    });
    try {
      if (changed) s.setItem(keyOf(form), JSON.stringify({ at: Date.now(), fields: fields }));
      else s.removeItem(keyOf(form));
    } catch (e) { /* storage full: the form still works, without a draft */ }
  }

  function note(form, at) {
    var old = form.querySelector(".draft-note");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "draft-note";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    var when = new Date(at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    p.textContent = "Restored your unsaved draft from " + when + ". Save it to keep it, or discard it to go back to the saved text.";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-ghost btn-small";
    discard.dataset.draftDiscard = "";
    discard.textContent = "Discard draft";
    box.append(p, discard);
    var first = fieldsOf(form)[0];
    var field = first && (first.closest(".field") || first);
    form.insertBefore(box, field && field.parentNode === form ? field : form.firstChild);
  }

  function restore(form) {
    var draft = read(form);
    if (!draft) return;
    var fields = fieldsOf(form).filter(function (f) { return typeof draft.fields[f.name] === "string"; });
    var differs = fields.some(function (f) { return draft.fields[f.name] !== f.value; });
    if (!differs) {
      // The draft is what the server holds (saved), unless the server sent it back refused.
      if (!form.querySelector('[aria-invalid="true"]')) forget(form);
      return;
    }
    fields.forEach(function (f) { f.value = draft.fields[f.name]; });
    var details = form.closest("details");
    if (details) details.open = true;
    note(form, draft.at);
  }

  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt ? event.detail.elt : event.target;
    if (!root.querySelectorAll) return;
    if (root.matches("form[data-draft]")) restore(root);
    root.querySelectorAll("form[data-draft]").forEach(restore);
  });

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form && event.target.matches("textarea[name]")) write(form);
  });

  // A save the server accepted (2xx, about to be swapped in) ends the draft. A logged-out save is
  // answered with HX-Redirect, which htmx follows before any swap: the draft stays for after the login.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var d = event.detail, elt = d.requestConfig && d.requestConfig.elt;
    var form = elt && elt.closest && elt.closest("form[data-draft]");
    if (form && d.xhr && d.xhr.status >= 200 && d.xhr.status < 300 && d.requestConfig.verb !== "get") forget(form);
  });

  document.addEventListener("click", function (event) {
    var discard = event.target.closest && event.target.closest("[data-draft-discard]");
    var form = discard && discard.closest("form[data-draft]");
    if (!form) return;
    fieldsOf(form).forEach(function (f) { f.value = f.defaultValue; });
    forget(form);
    discard.closest(".draft-note").remove();
    var first = fieldsOf(form)[0];
    if (first) first.focus();
  });

  // Logging out on purpose takes this user's drafts along (another person may use this browser next).
  document.addEventListener("submit", function (event) {
    var owner = event.target.dataset && event.target.dataset.draftsOwner;
    var s = owner && store();
    if (!s) return;
    Object.keys(s).forEach(function (key) {
      if (key.indexOf(PREFIX + owner + ":") === 0) s.removeItem(key);
    });
  });
})();

// What-if sliders: the number beside a slider follows it as it moves, before the server answers; an
// answer that lands after the slider moved on (its out-of-band copy of the numbers) is corrected back.
(function () {
  "use strict";

  function showValue(input) {
    if (!input.id) return;
    var decimals = (String(input.step || "").split(".")[1] || "").length;
    var text = Number(input.value).toFixed(decimals);
    document.querySelectorAll('output[for~="' + CSS.escape(input.id) + '"]').forEach(function (out) {
      if (out.textContent !== text) out.textContent = text;
    });
  }

  function showAll() {
    document.querySelectorAll('input[type="range"][id]').forEach(showValue);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches('input[type="range"]')) showValue(event.target);
  });
  document.addEventListener("htmx:afterSettle", showAll);
  document.addEventListener("htmx:oobAfterSwap", showAll);
})();

// --- layout helper (issue 15): a table wider than its box scrolls inside it, as a labelled, focusable region ---
// A keyboard user scrolls a box by focusing it (then the arrow keys), and a screen reader names what it holds;
// so a .table-wrap whose table is wider than the screen gets tabindex=0, role=region and a label (its table's
// caption, else its section's heading). Only while it overflows: a table that fits adds no tab stop.
(function () {
  "use strict";
  var MARK = "data-scroll-region";

  function words(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

  function labelOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (words(caption)) return words(caption);
    for (var up = wrap.parentElement; up && up !== document.body; up = up.parentElement) {
      var heading = up.querySelector("h2, h3, h4");
      if (heading && !wrap.contains(heading)) return words(heading);
    }
    return "Table";
  }

  function check(wrap) {
    if (wrap.hasAttribute("tabindex") && !wrap.hasAttribute(MARK)) return;  // the page made it a region itself
    var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
    if (overflows && !wrap.hasAttribute(MARK)) {
      wrap.setAttribute(MARK, "");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", labelOf(wrap) + " (scrolls sideways)");
    } else if (!overflows && wrap.hasAttribute(MARK) && document.activeElement !== wrap) {
      ["tabindex", "role", "aria-label", MARK].forEach(function (name) { wrap.removeAttribute(name); });
    }
  }

  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { check(entry.target); });
  }) : null;

  function scan(root) {
    var wraps = Array.prototype.slice.call((root || document).querySelectorAll(".table-wrap"));
    var around = root && root.closest ? root.closest(".table-wrap") : null;  // rows swapped inside a box
    if (around) wraps.push(around);
    wraps.forEach(function (wrap) {
      check(wrap);
      if (observer) observer.observe(wrap);  // a window resized, a <details> opened: checked again
    });
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();

// --- billing: a plan-feature refusal swapped into the page (billing helper) ---
// A gated route answers an htmx request with 402 and a panel retargeted at #main: the control that asked is
// gone, so focus moves to the panel's heading (a screen reader hears where it is, Tab goes on from there).
(function () {
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.xhr || event.detail.xhr.status !== 402) return;
    var heading = document.getElementById("feature-refused-title");
    if (heading) heading.focus();
  });
})();
