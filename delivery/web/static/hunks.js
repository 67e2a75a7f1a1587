// The conflicts of a text field, one by one (views/text_conflict.templ):
// each "Use theirs", "Use mine" or "Edit" refills the field's box with the
// text assembled from every conflict's choice, the stretches that merged
// kept between them, exactly as domain.AssembleText joins them: a conflict
// not chosen keeps the rep's own lines, an edit is split at newlines and an
// empty one removes the stretch. The box is then typing like any other
// (marked unsaved, kept as a draft) and saved with the form.
(function () {
  "use strict";

  function lines(el, attr) { return JSON.parse(el.getAttribute(attr)); }
  function split(text) { return text === "" ? [] : text.split("\n"); }

  function assemble(section) {
    var out = [];
    Array.prototype.forEach.call(section.querySelectorAll("[data-merged], [data-hunk]"), function (el) {
      if (el.hasAttribute("data-merged")) {
        out = out.concat(lines(el, "data-merged"));
        return;
      }
      switch (el.getAttribute("data-take")) {
        case "theirs": out = out.concat(lines(el, "data-theirs")); break;
        case "edit": out = out.concat(split(el.querySelector("[data-hunk-edit]").value)); break;
        default: out = out.concat(lines(el, "data-yours"));
      }
    });
    return out.join("\n");
  }

  function refill(section) {
    var box = document.getElementById(section.getAttribute("data-hunks-for"));
    if (!box) return;
    box.value = assemble(section);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    var hunks = section.querySelectorAll("[data-hunk]");
    var done = Array.prototype.filter.call(hunks, function (h) { return h.hasAttribute("data-take"); }).length;
    section.querySelector("[data-hunks-status]").textContent = done + " of " + hunks.length + " conflicts resolved";
  }

  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-hunk-take]");
    if (!btn) return;
    evt.preventDefault();
    var hunk = btn.closest("[data-hunk]");
    var take = btn.getAttribute("data-hunk-take");
    hunk.setAttribute("data-take", take);
    Array.prototype.forEach.call(hunk.querySelectorAll("[data-hunk-take]"), function (b) {
      b.setAttribute("aria-pressed", String(b === btn));
    });
    var edit = hunk.querySelector(".hunk-edit");
    edit.hidden = take !== "edit";
    refill(btn.closest("[data-hunks-for]"));
    if (take === "edit") edit.querySelector("textarea").focus();
  });

  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches("[data-hunk-edit]")) refill(evt.target.closest("[data-hunks-for]"));
  });
})();
