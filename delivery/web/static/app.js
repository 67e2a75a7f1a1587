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
})();
