// Small enhancements on top of htmx. Every page works without this file.
(function () {
  "use strict";

  // A request that never reached the server: say so and keep the form as typed.
  document.addEventListener("htmx:error", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (ctx && ctx.response) return; // the server answered; its fragment says what happened
    var flash = document.getElementById("flash");
    if (!flash) return;
    flash.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice error";
    p.setAttribute("role", "alert");
    p.textContent = "Could not reach the server. Nothing was saved; what you typed is still in the form.";
    flash.appendChild(p);
  });

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

  // Live notices. While a lead, contact or deal page is open, a save by
  // anyone else shows a notice; its button refreshes the read-only parts of
  // the page (header and history) and leaves the form, with everything
  // typed, alone. Its version stays the one the rep started from, so their
  // next save merges.
  var live = document.getElementById("live-notice");
  var editorID = live && live.getAttribute("data-editor");
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute("data-live-url"));
    source.addEventListener("saved", function (evt) {
      consider(JSON.parse(evt.data));
    });
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
    var refresh = document.createElement("button");
    refresh.type = "button";
    refresh.className = "outline secondary";
    refresh.textContent = "Show what changed";
    refresh.setAttribute("data-testid", "live-refresh");
    refresh.addEventListener("click", refreshReadOnly);
    live.append(text, " ", refresh);
    live.hidden = false;
  }

  function refreshReadOnly() {
    fetch(window.location.pathname, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["#" + editorID + " > header", "#" + editorID + " [data-testid=history]"].forEach(function (sel) {
          var from = fresh.querySelector(sel);
          var to = document.querySelector(sel);
          if (from && to) to.replaceWith(from);
        });
        live.hidden = true;
      })
      .catch(function () {
        live.textContent = "Could not load the changes; reload the page to see them (what you typed will be lost).";
      });
  }
})();
