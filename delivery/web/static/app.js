// Small enhancements on top of htmx. Every page works without this file.
(function () {
  "use strict";

  // A request that never reached the server: say so and keep the form as typed.
  document.addEventListener("htmx:error", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (ctx && ctx.response) return; // the server answered; its fragment says what happened
    flash("Could not reach the server. Nothing was saved; what you typed is still in the form.");
  });

  function flash(message) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    box.appendChild(p);
  }

  // The top navigation on a phone: the Menu button opens and closes the
  // links (app.css folds them at 600 px and less); Escape closes them and
  // puts the focus back on the button.
  var navToggle = document.querySelector(".nav-toggle");
  function openNav(open) { navToggle.setAttribute("aria-expanded", String(open)); }
  if (navToggle) {
    navToggle.addEventListener("click", function () {
      openNav(navToggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (evt) {
      if (evt.key !== "Escape" || navToggle.getAttribute("aria-expanded") !== "true") return;
      openNav(false);
      navToggle.focus();
    });
  }

  // The rep's time zone. The sign-in forms send the browser's; a signed-in
  // page, whose body says the zone its dates are in, reports the browser's
  // when it differs (a rep who travelled, or signed in before), so the
  // next pages show dates where the rep is.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* no Intl: dates stay in UTC */ }
  Array.prototype.forEach.call(document.querySelectorAll('input[name="time_zone"]'), function (el) { el.value = zone; });
  var shownZone = document.body.getAttribute("data-time-zone");
  if (zone && shownZone !== null && shownZone !== zone) reportZone();

  function reportZone() {
    // A zone the server does not know is refused (400): asked once a tab.
    var refused = "crm-zone-refused:" + zone, store = null;
    try { store = window.sessionStorage; } catch (e) { /* blocked storage */ }
    if (store && store.getItem(refused)) return;
    fetch("/me/time-zone", {
      method: "POST",
      body: new URLSearchParams({ time_zone: zone }),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    }).then(function (res) {
      if (res.status === 400 && store) store.setItem(refused, "1");
    }).catch(function () { /* the next page asks again */ });
  }

  // "Use this" beside a value someone else saved copies it into the input.
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-use-value]");
    if (!btn) return;
    evt.preventDefault();
    var input = document.getElementById(btn.getAttribute("data-for"));
    if (!input) return;
    input.value = btn.getAttribute("data-use-value");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });

  // A sortable column heading is a link to the sorted list. With the
  // search form on the page, a click sets the form's order instead and
  // submits it, so the form, the results and the address stay one view.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest("a[data-sort]");
    var form = document.getElementById("list-search");
    if (!link || !form || !form.elements.sort || evt.ctrlKey || evt.metaKey || evt.shiftKey) return;
    evt.preventDefault();
    form.elements.sort.value = link.getAttribute("data-sort");
    form.elements.dir.value = link.getAttribute("data-dir");
    form.requestSubmit();
  });

  // ---------------------------------------------------------------------
  // Unsaved typing. An input is dirty when its value is not the one the
  // server sent (its default value); a form the server sent back with
  // values that are not saved (a conflict, a refused save) is dirty as a
  // whole. Dirty forms are marked, guarded against leaving the page, and
  // kept as a draft in this browser, keyed by record and version.

  function recordForm() { return document.querySelector("form[data-record-form]"); }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "version" && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "hidden";
    });
  }

  function defaultOf(el) {
    if (el.tagName !== "SELECT") return el.defaultValue;
    var opt = Array.prototype.find.call(el.options, function (o) { return o.defaultSelected; }) || el.options[0];
    return opt ? opt.value : "";
  }

  function isDirty(el) { return el.value !== defaultOf(el); }

  function setClean(el, value) {
    if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = o.value === value; });
      el.value = value;
    } else {
      el.defaultValue = value;
      el.value = value;
    }
  }

  function formDirty(form) {
    return form.getAttribute("data-unsaved") === "true" || fields(form).some(isDirty);
  }

  // The marker beside Save says there is something unsaved.
  function mark() {
    var form = recordForm();
    if (!form) return;
    fields(form).forEach(function (el) { el.classList.toggle("dirty", isDirty(el)); });
    var dirty = formDirty(form);
    var marker = form.querySelector(".unsaved-marker");
    if (!marker) {
      marker = document.createElement("span");
      marker.className = "unsaved-marker";
      marker.setAttribute("role", "status");
      marker.setAttribute("data-testid", "unsaved");
      var save = form.querySelector("[data-testid=save]");
      if (save) save.after(marker); else form.appendChild(marker);
    }
    marker.textContent = dirty ? "Unsaved changes" : "";
    marker.hidden = !dirty;
  }

  var submitting = false;
  document.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("htmx:before:request", function () { submitting = false; });
  window.addEventListener("beforeunload", function (evt) {
    var form = recordForm();
    if (!form || submitting || !formDirty(form)) return;
    evt.preventDefault();
    evt.returnValue = ""; // older browsers need it set to show the prompt
  });

  // Drafts: what a rep typed, in this browser, until it is saved.
  var draftPrefix = "crm-draft:" + window.location.pathname + ":";

  function draftKey(form) { return draftPrefix + form.elements.version.value; }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; } // private mode, blocked storage
  }

  function saveDraft() {
    var form = recordForm(), store = storage();
    if (!form || !store) return;
    // A form the server sent back unsaved (a conflict) holds typing in
    // every input; otherwise only the dirty inputs are typing.
    var whole = form.getAttribute("data-unsaved") === "true";
    var typed = {};
    fields(form).forEach(function (el) { if (whole || isDirty(el)) typed[el.name] = el.value; });
    try {
      if (Object.keys(typed).length === 0) {
        store.removeItem(draftKey(form));
      } else {
        store.setItem(draftKey(form), JSON.stringify({ at: Date.now(), fields: typed }));
      }
    } catch (e) { /* storage full: the beforeunload guard still holds */ }
  }

  function drafts() {
    var store = storage(), out = [];
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(draftPrefix) === 0) {
        try {
          var d = JSON.parse(store.getItem(key));
          d.key = key;
          d.version = key.slice(draftPrefix.length);
          out.push(d);
        } catch (e) { store.removeItem(key); }
      }
    }
    return out.sort(function (a, b) { return b.at - a.at; });
  }

  function dropDrafts() {
    var store = storage();
    if (store) drafts().forEach(function (d) { store.removeItem(d.key); });
  }

  // On opening a record with a draft left from before, offer it back.
  function offerDraft() {
    var form = recordForm();
    var d = form && drafts()[0];
    if (!d || formDirty(form)) return;
    var differs = Object.keys(d.fields).some(function (name) {
      var el = form.elements[name];
      return el && el.value !== d.fields[name];
    });
    if (!differs) { dropDrafts(); return; }
    var box = document.createElement("div");
    box.className = "notice live draft";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "draft-offer");
    var text = document.createElement("span");
    text.textContent = "You have unsaved changes to this record from " + new Date(d.at).toLocaleString() +
      " (made on version " + d.version + "), kept in this browser.";
    var restore = button("Restore them", "draft-restore", function () {
      Object.keys(d.fields).forEach(function (name) {
        var el = form.elements[name];
        if (el) el.value = d.fields[name];
      });
      // Saved from the version the rep typed on, so a save merges with
      // whatever was saved since instead of overwriting it.
      form.elements.version.value = d.version;
      box.remove();
      mark();
      saveDraft();
    });
    var discard = button("Discard", "draft-discard", function () { dropDrafts(); box.remove(); });
    discard.classList.add("secondary");
    box.append(text, " ", restore, " ", discard);
    form.before(box);
  }

  function button(label, testid, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "outline";
    b.textContent = label;
    b.setAttribute("data-testid", testid);
    b.addEventListener("click", onClick);
    return b;
  }

  var draftTimer = 0;
  document.addEventListener("input", function (evt) {
    if (!evt.target.closest("form[data-record-form]")) return;
    mark();
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 300);
  });
  document.addEventListener("change", function (evt) {
    if (evt.target.closest("form[data-record-form]")) { mark(); saveDraft(); }
  });

  // After every swap: a clean form at a new version means the typing was
  // saved; anything else keeps its draft.
  document.addEventListener("htmx:after:swap", function () {
    var form = recordForm();
    if (!form) return;
    mark();
    if (!formDirty(form)) dropDrafts(); else saveDraft();
  });

  // The timeline's Log form is inside the record's editor, which saves and
  // "Show what changed" replace: what the rep typed in it survives them.
  // Its own answer empties it, and the focus goes back to its button.
  var logKept = null;
  function keepLog(own) {
    var log = document.querySelector("form.log-form");
    logKept = { own: own, typed: log && !own ? fields(log).filter(isDirty).map(function (el) { return [el.name, el.value]; }) : [] };
  }
  function restoreLog() {
    var log = document.querySelector("form.log-form"), kept = logKept;
    logKept = null;
    if (!log || !kept) return;
    kept.typed.forEach(function (p) { if (log.elements[p[0]]) log.elements[p[0]].value = p[1]; });
    if (kept.own) log.querySelector("button[type=submit]").focus();
  }
  document.addEventListener("htmx:before:swap", function (evt) {
    var src = evt.detail && evt.detail.ctx && evt.detail.ctx.sourceElement;
    keepLog(!!(src && src.closest && src.closest("form.log-form")));
  });
  document.addEventListener("htmx:after:swap", restoreLog);

  // ---------------------------------------------------------------------
  // An ended session. The server answers 401 with X-Session-Ended instead
  // of the page: a sign-in dialog opens over it, and once signed in the
  // same request is sent again, with the form as typed (it merges as any
  // save does).

  var pending = null;
  document.addEventListener("htmx:before:response", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    var res = ctx && ctx.response;
    if (!res || res.status !== 401 || !res.headers || !res.headers.get("X-Session-Ended")) return;
    evt.preventDefault();
    var submitter = ctx.sourceEvent && ctx.sourceEvent.submitter;
    pending = { elt: ctx.sourceElement, submitter: submitter || null };
    signInAgain();
  });

  function signInAgain() {
    var dialog = document.getElementById("sign-in-again");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "sign-in-again";
      dialog.setAttribute("aria-labelledby", "sign-in-again-title");
      dialog.setAttribute("data-testid", "sign-in-again");
      dialog.innerHTML =
        '<article><h2 id="sign-in-again-title">Your session ended</h2>' +
        "<p>Sign in to save: what you typed is still here, and is sent again once you are signed in.</p>" +
        '<div class="sign-in-message"></div>' +
        '<form method="post" action="/login">' +
        '<label for="sign-in-again-email">Email</label>' +
        '<input id="sign-in-again-email" type="email" name="email" required autocomplete="username">' +
        '<label for="sign-in-again-password">Password</label>' +
        '<input id="sign-in-again-password" type="password" name="password" required autocomplete="current-password">' +
        '<div class="dialog-actions"><button type="submit" data-testid="sign-in-again-submit">Sign in and save</button>' +
        '<button type="button" class="secondary outline" data-testid="sign-in-again-cancel">Cancel</button></div>' +
        "</form></article>";
      document.body.appendChild(dialog);
      dialog.querySelector("form").addEventListener("submit", submitSignIn);
      dialog.querySelector("[data-testid=sign-in-again-cancel]").addEventListener("click", function () {
        dialog.close();
        pending = null;
        flash("You are not signed in: nothing was saved. What you typed is still in the form; sign in to save it.");
      });
    }
    dialog.querySelector(".sign-in-message").textContent = "";
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("input[name=email]").focus();
  }

  function submitSignIn(evt) {
    evt.preventDefault();
    var form = evt.target, dialog = form.closest("dialog");
    var message = dialog.querySelector(".sign-in-message");
    var body = new URLSearchParams(new FormData(form));
    body.set("time_zone", zone);
    fetch("/login", {
      method: "POST",
      body: body,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    }).then(function (res) {
      if (res.status === 204) {
        form.reset();
        dialog.close();
        var again = pending;
        pending = null;
        connectLive();
        connectRepNotices();
        resend(again);
        return;
      }
      return res.text().then(function (html) {
        var said = new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
        showMessage(message, said || "Could not sign in (" + res.status + ").");
      });
    }).catch(function () {
      showMessage(message, "Could not reach the server. Nothing was saved; try again in a moment.");
    });
  }

  function showMessage(box, text) {
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice error";
    p.setAttribute("role", "alert");
    p.setAttribute("data-testid", "login-error");
    p.textContent = text;
    box.appendChild(p);
  }

  function resend(p) {
    if (!p || !p.elt || !document.contains(p.elt)) return;
    if (p.elt.tagName === "FORM") {
      p.elt.requestSubmit(p.submitter && document.contains(p.submitter) ? p.submitter : undefined);
    } else {
      p.elt.click();
    }
  }

  // ---------------------------------------------------------------------
  // Live notices. While a lead, contact or deal page is open, a save by
  // anyone else shows a notice; its button brings the page up to date
  // without losing any typing (see showWhatChanged).
  var live = document.getElementById("live-notice");
  var editorID = live && live.getAttribute("data-editor");
  var source = null;

  // The notice sticks to the top of the window (app.css): while it shows,
  // the page scrolls a field the rep moves to below it rather than under it.
  if (live && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.scrollPaddingTop = live.hidden ? "" : (live.offsetHeight + 16) + "px";
    }).observe(live);
  }
  // stream opens the server-sent events at url, handling each event named
  // in on with its function, and keeps them coming. EventSource reconnects
  // by itself after a broken connection, but gives up for good when its
  // reconnection is answered with an error: the 503 of an app whose
  // database is down or failing over, or a proxy's 502 while the app
  // restarts. Then stream
  // opens it again, waiting 3 s, then twice as long each time, up to a
  // minute. on.gap, if set, runs at each open that follows an error, when
  // events may have been missed. The board uses it too (window.crmStream).
  function stream(url, on) {
    var source, timer, wait = 3000, broken = false, closed = false;
    function open() {
      source = new EventSource(url);
      Object.keys(on).forEach(function (name) {
        if (name !== "gap") source.addEventListener(name, on[name]);
      });
      source.addEventListener("open", function () {
        wait = 3000;
        if (!broken) return;
        broken = false;
        if (on.gap) on.gap();
      });
      source.addEventListener("error", function () {
        broken = true;
        if (source.readyState !== EventSource.CLOSED || closed) return;
        timer = setTimeout(open, wait);
        wait = Math.min(wait * 2, 60000);
      });
    }
    open();
    return { close: function () { closed = true; clearTimeout(timer); source.close(); } };
  }
  window.crmStream = stream;

  function connectLive() {
    if (!live || !window.EventSource) return;
    if (source) source.close();
    // Each (re)connection's first event is the record's current version,
    // so a save missed while the stream was down shows here too.
    source = stream(live.getAttribute("data-live-url"), {
      saved: function (evt) { consider(JSON.parse(evt.data)); },
    });
  }
  connectLive();

  // Notices for the rep, on every page they have open: a record someone
  // else gave them (and whatever else is sent to them alone). Each says
  // what, links to it and can be dismissed; the region around them is
  // polite (views.RepNotices).
  var repNotices = document.getElementById("rep-notices");
  var repSource = null;
  function connectRepNotices() {
    if (!repNotices || !window.EventSource) return;
    if (repSource) repSource.close();
    repSource = stream(repNotices.getAttribute("data-live-url"), {
      notice: function (evt) {
        var n = JSON.parse(evt.data);
        showRepNotice("rep-notice", n.message, n.href, "Open");
        if (n.overdue > 0) showOverdue(n.overdue);
      },
      // Notices are not kept: one sent while the stream was down (the
      // database failing over) is gone. Say so, once, rather than let the
      // rep believe nothing happened.
      gap: function () {
        if (repNotices.querySelector('[data-testid="rep-notices-interrupted"]')) return;
        showRepNotice("rep-notices-interrupted",
          "Notices were interrupted for a moment: a record given to you or a task falling due meanwhile was not announced here.",
          "/today", "Your day");
      },
    });
  }

  function showRepNotice(testid, message, href, label) {
    var box = document.createElement("p");
    box.className = "notice rep-notice";
    box.setAttribute("data-testid", testid);
    box.append(message, " ");
    if (href) {
      var open = document.createElement("a");
      open.href = href;
      open.textContent = label;
      open.setAttribute("data-testid", testid + "-open");
      box.append(open, " ");
    }
    box.append(button("Dismiss", testid + "-dismiss", function () { box.remove(); }));
    repNotices.append(box);
  }
  connectRepNotices();

  // showOverdue sets the count beside Today in the nav (views.TodayNav) to
  // n, which a task reminder brings as its task falls due.
  function showOverdue(n) {
    var today = document.querySelector('[data-testid="today-link"]');
    if (!today) return;
    var badge = today.querySelector('[data-testid="overdue-count"]');
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      badge.setAttribute("data-testid", "overdue-count");
      today.append(" ", badge);
    }
    badge.textContent = String(n);
    badge.setAttribute("aria-label", n + " overdue");
  }

  // A swap that brings the page to the announced version (the rep's own
  // save, or a conflict view at the current version) makes the notice old.
  var announced = 0;
  document.addEventListener("htmx:after:swap", function () {
    if (live && !live.hidden && shownVersion() >= announced) live.hidden = true;
  });

  function shownVersion() {
    var editor = document.getElementById(editorID);
    return editor ? parseInt(editor.getAttribute("data-version"), 10) || 0 : 0;
  }

  function consider(notice) {
    // The rep's own save is announced too, often before its response is
    // swapped in: wait for the swap, then it no longer counts as news.
    var editor = "#" + editorID;
    if (document.querySelector(editor + " .htmx-request, " + editor + ".htmx-request")) {
      setTimeout(function () { consider(notice); }, 100);
      return;
    }
    if (notice.version <= shownVersion()) return;
    announced = notice.version;
    live.textContent = "";
    var text = document.createElement("span");
    text.textContent = notice.message;
    var refresh = button("Show what changed", "live-refresh", showWhatChanged);
    refresh.classList.add("secondary");
    live.append(text, " ", refresh);
    live.hidden = false;
  }

  // showWhatChanged brings the page to the version saved now: the header,
  // the history and every input the rep has not touched show the saved
  // values; inputs the rep typed in keep what they typed, and focus and
  // caret stay where they were. The form's version moves on only when
  // nothing is typed: otherwise it stays the one the typing started from,
  // so the next save compares the typing with everything saved since.
  function showWhatChanged() {
    fetch(window.location.pathname, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var editor = document.getElementById(editorID);
        var freshEditor = fresh.getElementById(editorID);
        if (!editor || !freshEditor) return Promise.reject("no editor");
        keepLog(false);
        ["#" + editorID + " > header", "#" + editorID + " [data-testid=history]"].forEach(function (sel) {
          var from = fresh.querySelector(sel);
          var to = document.querySelector(sel);
          if (from && to) to.replaceWith(from);
        });
        var form = recordForm(), freshForm = fresh.querySelector("form[data-record-form]");
        if (form && freshForm) {
          var typing = formDirty(form);
          var active = document.activeElement;
          var caret = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
          fields(form).forEach(function (el) {
            var from = freshForm.elements[el.name];
            if (!from || isDirty(el)) return;
            setClean(el, from.value);
          });
          if (!typing) form.elements.version.value = freshForm.elements.version.value;
          if (caret && document.activeElement === active) {
            try { active.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text input */ }
          }
        }
        restoreLog();
        editor.setAttribute("data-version", freshEditor.getAttribute("data-version"));
        live.hidden = true;
        mark();
      })
      .catch(function () {
        live.textContent = "Could not load the changes just now. What you typed is still in the form; try again in a moment.";
      });
  }

  // ---------------------------------------------------------------------
  // An import's progress. While an import runs, its bar follows the
  // server-sent events of its progress, read from the database by any
  // instance; when it ends, its report replaces the bar. Without this the
  // rep reloads the page to see how far it has come.
  function followImport() {
    var box = document.querySelector("[data-import-progress]");
    if (!box || !window.EventSource) return;
    var bar = box.querySelector("progress");
    var count = box.querySelector("[data-testid=import-count]");
    var stalledShown = !!box.querySelector("[data-testid=import-stalled]");
    var events = new EventSource(box.getAttribute("data-import-progress"));
    function show(p) {
      bar.max = p.total;
      bar.value = p.done;
      bar.textContent = (p.total ? Math.floor(p.done * 100 / p.total) : 0) + " %";
      count.textContent = p.done.toLocaleString("en-US") + " of " + p.total.toLocaleString("en-US") + " rows imported.";
    }
    events.addEventListener("progress", function (evt) {
      var p = JSON.parse(evt.data);
      show(p);
      // A run that stalls (its instance went away) is offered to resume
      // by the page itself.
      if (p.stalled && !stalledShown) { events.close(); window.location.reload(); }
    });
    events.addEventListener("done", function (evt) {
      events.close();
      show(JSON.parse(evt.data));
      fetch(window.location.pathname, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-status");
          var status = document.getElementById("import-status");
          if (!fresh || !status) return Promise.reject("no status");
          status.replaceWith(fresh);
          var heading = document.getElementById("import-report-title");
          if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
        })
        .catch(function () {
          count.textContent = "The import is done. Reload the page to read its report.";
        });
    });
  }
  followImport();

  // The lead list's bulk change. app.css shows its form once a lead is
  // ticked; this adds the count of ticked leads, said as it changes, the
  // select-all of the leads shown, and focus on the report of a change.

  function bulkForm() { return document.getElementById("bulk-form"); }

  function bulkBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="lead"][form="bulk-form"]'));
  }

  function bulkCount() {
    var form = bulkForm();
    if (!form) return;
    var boxes = bulkBoxes();
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    var all = form.elements.all;
    var page = document.querySelector("[data-select-all]");
    if (page) {
      page.hidden = false;
      var box = page.querySelector("input");
      box.checked = boxes.length > 0 && ticked === boxes.length;
      box.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    var count = form.querySelector(".bulk-count");
    if (all && all.checked) {
      count.textContent = "All leads matching this view are selected, up to " + all.getAttribute("data-max") + ".";
    } else {
      count.textContent = ticked === 0 ? "" : ticked === 1 ? "1 lead selected." : ticked + " leads selected.";
    }
  }

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el.matches('[data-select-all] input')) {
      bulkBoxes().forEach(function (b) { b.checked = el.checked; });
    } else if (!el.matches('input[name="lead"][form="bulk-form"], #bulk-form input[name="all"]')) {
      return;
    }
    // "All leads matching this view" means every one of them: a lead
    // unticked takes it back.
    var all = bulkForm() && bulkForm().elements.all;
    if (all && !el.checked && el.name !== "all") all.checked = false;
    bulkCount();
  });

  var reported = null;
  document.addEventListener("htmx:after:swap", function () {
    bulkCount();
    var heading = document.getElementById("bulk-report-title");
    if (heading && heading !== reported) {
      reported = heading;
      heading.focus();
    }
  });

  mark();
  offerDraft();
  bulkCount();
  reported = document.getElementById("bulk-report-title");
  if (reported) reported.focus();
})();

// A new task's quick picks ("Today", "Tomorrow", …) fill its due input with
// the time the server wrote on the button, in the rep's zone; shown only
// here, as without scripts they could do nothing.
(function () {
  "use strict";
  function show() {
    document.querySelectorAll("[data-quick-picks][hidden]").forEach(function (g) { g.hidden = false; });
  }
  document.addEventListener("click", function (evt) {
    var b = evt.target.closest("[data-quick-picks] button[data-due]");
    if (!b) return;
    var input = document.getElementById(b.parentElement.getAttribute("data-quick-picks"));
    if (!input) return;
    input.value = b.getAttribute("data-due");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
  document.addEventListener("htmx:after:swap", show);
  show();
})();
