// The boards (/leads/board, /deals/board): drag a card to another column
// (SortableJS), or use its Move to… control; either posts the record
// page's move at the card's version, and the answer (200 moved, 409 moved
// by someone else, 422 refused by the rules) puts the card where the
// server says it is. Arrow keys move focus between cards, every move is
// announced in the board's aria-live region, and other reps' saves arrive
// over the board's stream without a reload, never onto a card being
// dragged: its drop meets the newer version and shows the conflict.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var field = board.dataset.field;
  var status = document.getElementById("board-status");
  var banner = document.getElementById("board-banner");
  var dragging = null; // the id of the card being dragged
  var missed = {}; // cards another rep saved while they were dragged
  // The dialog of a move that needs more than a column: the date a stage
  // gate asks for, or a lead's conversion.
  var dialog = document.getElementById("board-dialog");
  var dialogId = null; // the id of the card the open dialog is about

  function announce(text) {
    // Emptied first, so the same words twice are read twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function column(state) {
    return board.querySelector('.board-column[data-state="' + state + '"] .board-cards');
  }

  // count adds n to the count of the column at state, when it is exact.
  function count(state, n) {
    var el = board.querySelector('.board-column[data-state="' + state + '"] [data-testid="column-count"]');
    if (!el || !/^\d+$/.test(el.textContent)) return;
    el.textContent = String(Math.max(0, parseInt(el.textContent, 10) + n));
  }

  function parse(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  function cardById(id) {
    return id === null ? null : document.getElementById("card-" + board.dataset.kind + "-" + id);
  }

  // insert puts card in list in the server's order, newest (the highest
  // id) first. A card older than every card a column shows, in a column
  // with more to load, is left to its More unless keep is set: the rep's
  // own move stays in sight, and More drops the copy it brings (dedupe).
  function insert(list, card, keep) {
    var id = parseInt(card.dataset.id, 10);
    var cards = list.querySelectorAll(":scope > .board-card");
    for (var i = 0; i < cards.length; i++) {
      if (parseInt(cards[i].dataset.id, 10) < id) {
        list.insertBefore(card, cards[i]);
        return true;
      }
    }
    var more = list.querySelector(":scope > .board-more");
    if (more && !keep) return false;
    list.insertBefore(card, more);
    return true;
  }

  // place puts card, as the server sent it, in its column: where old is
  // when it stays in that column, else in the column's order.
  function place(card, old) {
    var list = column(card.dataset.state);
    var focused = old && old.contains(document.activeElement);
    if (old && old.parentNode === list) {
      list.replaceChild(card, old);
    } else {
      if (old) {
        count(old.dataset.state, -1);
        old.remove();
      }
      if (list && insert(list, card, false)) count(card.dataset.state, 1);
    }
    if (focused && card.isConnected) focusCard(card);
    tabStop();
  }

  // tabStop keeps one card where Tab enters the cards, when the one that
  // was left the board.
  function tabStop() {
    if (board.querySelector('.board-card[tabindex="0"]')) return;
    var first = board.querySelector(".board-card");
    if (first) first.tabIndex = 0;
  }

  function focusCard(card) {
    board.querySelectorAll('.board-card[tabindex="0"]').forEach(function (c) { c.tabIndex = -1; });
    card.tabIndex = 0;
    card.focus();
  }

  // told is an error whose message is what to tell the rep.
  function told(message) {
    var err = new Error(message);
    err.told = true;
    return err;
  }

  function titleOf(card) {
    return card.querySelector(".board-card-title").textContent;
  }

  // move posts the move of card to state, with the dates in extra (a
  // stage gate's), the card standing in the DOM wherever it was dropped,
  // and puts it where the answer says.
  function move(card, to, extra) {
    var body = new URLSearchParams(extra || {});
    body.set("version", card.dataset.version);
    body.set(field, to);
    if (board.dataset.kind === "deal" && to === "LOST" && !body.has("closed_on")) {
      // A lost deal closed today in the rep's zone, as the deal page's
      // Closed on says unless changed; only winning asks for the day.
      body.set("closed_on", board.dataset.today);
    }
    var url = card.dataset.moveUrl;
    var title = titleOf(card);
    card.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (res) {
      return res.text().then(function (text) { return { status: res.status, text: text }; });
    }).then(function (res) {
      card.removeAttribute("aria-busy");
      if (res.status === 401) {
        // The session ended: the server refused the move before reading it.
        throw told(title + " was not moved: your session has ended. Sign in again in another tab, then move it again.");
      }
      if (res.status !== 200 && res.status !== 409 && res.status !== 422) {
        // The server's own words: a 503 says whether the move surely was
        // not made or may have been (a commit whose answer was lost).
        var said = parse(res.text).textContent.replace(/\s+/g, " ").trim().slice(0, 300);
        throw told(title + ": " + (said || "the server answered " + res.status + ".") + " The board reads the card again to show where it stands.");
      }
      var doc = parse(res.text);
      var notice = doc.querySelector("[data-board-notice]");
      var conflict = doc.querySelector("[data-board-conflict]");
      var fresh = doc.querySelector(".board-card");
      banner.replaceChildren();
      if (conflict) banner.appendChild(conflict);
      var from = card.dataset.origin || card.dataset.state;
      delete card.dataset.origin;
      if (fresh) {
        // The card stood in the column it was dropped on; its count follows
        // only once the server says where it is.
        if (fresh.dataset.state !== from) {
          count(from, -1);
          count(fresh.dataset.state, 1);
        }
        var list = column(fresh.dataset.state);
        var focused = card.contains(document.activeElement);
        card.remove();
        if (list) insert(list, fresh, true);
        if (focused) focusCard(fresh);
      } else {
        count(from, -1);
        card.remove();
      }
      tabStop();
      announce(notice ? notice.textContent : "");
      refreshMissed(fresh);
      if (fresh && fresh.querySelector("form.board-ask")) openAsk(fresh);
    }).catch(function (err) {
      // Without an answer the move may or may not have been made: the
      // card goes back to where the board last knew it and is read again
      // (a save noticed meanwhile included), and the rep is told so
      // rather than that nothing happened.
      card.removeAttribute("aria-busy");
      var from = card.dataset.origin || card.dataset.state;
      delete card.dataset.origin;
      var list = column(from);
      if (list && card.parentNode !== list) insert(list, card, true);
      delete missed[card.dataset.id];
      refresh(card.dataset.id);
      var text = err && err.told ? err.message :
        "The server did not answer: the move of " + title + " may or may not have been made. The board reads the card again to show where it stands.";
      var p = document.createElement("p");
      p.className = "notice error";
      p.dataset.testid = "board-failed";
      p.textContent = text;
      banner.replaceChildren(p);
      announce(text);
    });
  }

  // held reports whether card id is in the rep's hands: being dragged,
  // asked about in the dialog, or moving. A newer version is then only
  // noted (missed) and read once it is free, never swapped in under the
  // rep: a dialog's move must post the version the rep saw.
  function held(id) {
    var card = cardById(id);
    return dragging === id || dialogId === id || !!(card && card.getAttribute("aria-busy"));
  }

  // refreshMissed reads again a card another rep saved while it was
  // held, unless the move's own answer is newer (Infinity: a read that
  // was put off, of a version not known).
  function refreshMissed(card) {
    if (!card || !missed[card.dataset.id]) return;
    var version = missed[card.dataset.id];
    delete missed[card.dataset.id];
    if (version > parseInt(card.dataset.version, 10)) refresh(card.dataset.id);
  }

  // Drag and drop: the columns share one group; order within a column is
  // the server's (newest first), so a drop only changes the column.
  if (window.Sortable) {
    board.querySelectorAll(".board-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board-" + board.dataset.kind,
        sort: false,
        draggable: ".board-card",
        filter: "select, button, option, input",
        preventOnFilter: false,
        // No animation: SortableJS marks a card it animates as not to be
        // picked up until a timer fires, which a browser holds back in a
        // tab in the background, and a rep's next drag would not start.
        animation: 0,
        // Pointer events rather than the browser's own drag and drop: the
        // same on a touch screen, a mouse and an automated browser.
        forceFallback: true,
        onStart: function (evt) { dragging = evt.item.dataset.id; },
        onEnd: function (evt) {
          var card = evt.item;
          dragging = null;
          var to = evt.to.closest(".board-column").dataset.state;
          var from = evt.from.closest(".board-column").dataset.state;
          if (to === from) {
            refreshMissed(card);
            return;
          }
          if (card.dataset.convertUrl && to === "CONVERTED") {
            // A qualified lead is converted on its Convert page, which
            // creates the contact and the deal; nothing moves until then.
            evt.from.insertBefore(card, evt.from.children[evt.oldIndex] || null);
            openConvert(card);
            return;
          }
          card.dataset.origin = from;
          move(card, to);
        }
      });
    });
  }

  // openDialog shows content in the board's dialog, about card, named by
  // label, and focuses focus (or the dialog's first input).
  function openDialog(card, content, label, focus) {
    if (!dialog) return;
    dialogId = card.dataset.id;
    dialog.replaceChildren(content);
    dialog.setAttribute("aria-label", label);
    if (!dialog.open) dialog.showModal();
    var first = focus || dialog.querySelector("input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
  }

  // openAsk shows, in the dialog, the date card's refused move needs;
  // its button moves the card again with it.
  function openAsk(card) {
    var form = card.querySelector("form.board-ask");
    var article = document.createElement("article");
    article.appendChild(form);
    var question = form.querySelector("p").textContent;
    openDialog(card, article, question, form.querySelector("input[type=date]"));
  }

  // openConvert shows a qualified lead's conversion, prefilled, in the
  // dialog: nothing moves until it succeeds.
  function openConvert(card) {
    var title = titleOf(card);
    announce("Opening the conversion of " + title + ".");
    fetch(card.dataset.convertUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (res) {
      if (!res.ok) throw new Error("status " + res.status);
      return res.text();
    }).then(function (text) {
      openDialog(card, parse(text), "Convert " + title);
    }).catch(function () {
      // The page itself still converts.
      window.location.assign(card.dataset.convertUrl);
    });
  }

  // convert posts the dialog's conversion form: a success closes the
  // dialog and reads the card again (now Converted), a conflict or a
  // refusal shows the form again with the banner or the messages.
  function convert(form) {
    var id = dialogId;
    var title = cardById(id) ? titleOf(cardById(id)) : "the lead";
    var button = form.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (res) {
      return res.text().then(function (text) { return { status: res.status, text: text, to: res.headers.get("HX-Redirect") }; });
    }).then(function (res) {
      if (res.to) {
        closeDialog();
        var done = document.createElement("p");
        done.className = "notice ok";
        done.dataset.testid = "board-converted";
        var link = document.createElement("a");
        link.href = res.to;
        link.textContent = "Open the deal";
        done.append("Converted " + title + ": the contact and the deal are made. ", link);
        banner.replaceChildren(done);
        announce("Converted " + title + ".");
        refresh(id);
        return;
      }
      if (res.status === 409 || res.status === 422) {
        openDialog(cardById(id), parse(res.text), dialog.getAttribute("aria-label"));
        var alert = dialog.querySelector("[role=alert]");
        if (alert) alert.scrollIntoView();
        return;
      }
      throw new Error("status " + res.status);
    }).catch(function () {
      if (button) button.removeAttribute("aria-busy");
      var p = document.createElement("p");
      p.className = "notice error";
      p.setAttribute("role", "alert");
      p.textContent = "The server did not answer the conversion. Reload the board to see whether the lead was converted.";
      form.prepend(p);
    });
  }

  // closeDialog closes the dialog and gives the focus back to its card,
  // read again if someone saved it while the dialog was open, unless the
  // card is moving, whose answer reads it again.
  function closeDialog(moving) {
    var card = cardById(dialogId);
    dialogId = null;
    if (dialog.open) dialog.close();
    dialog.replaceChildren();
    if (card) {
      focusCard(card);
      if (!moving) refreshMissed(card);
    }
  }

  if (dialog) {
    dialog.addEventListener("submit", function (evt) {
      var form = evt.target;
      evt.preventDefault();
      evt.stopPropagation();
      if (form.classList.contains("board-ask")) {
        var date = form.querySelector("input[type=date]");
        var extra = {};
        extra[date.name] = date.value;
        var to = form.querySelector('input[name="' + field + '"]').value;
        var card = cardById(dialogId);
        closeDialog(true);
        if (card) move(card, to, extra);
        return;
      }
      convert(form);
    }, true);
    dialog.addEventListener("click", function (evt) {
      var cancel = evt.target.closest("[data-ask-cancel], [data-convert-cancel]");
      if (!cancel) return;
      evt.preventDefault();
      if (cardById(dialogId)) announce(titleOf(cardById(dialogId)) + " was not moved.");
      closeDialog();
    });
    // Escape closes a dialog: nothing moved, focus goes back to the card.
    dialog.addEventListener("cancel", function (evt) {
      evt.preventDefault();
      if (cardById(dialogId)) announce(titleOf(cardById(dialogId)) + " was not moved.");
      closeDialog();
    });
  }

  // A qualified lead's Convert… opens the conversion in the dialog.
  board.addEventListener("click", function (evt) {
    var link = evt.target.closest("a[data-testid=board-convert]");
    if (!link || !dialog) return;
    evt.preventDefault();
    openConvert(link.closest(".board-card"));
  });

  // The Move to… control: the same move, by keyboard or a single pointer.
  board.addEventListener("submit", function (evt) {
    var form = evt.target.closest("form.board-move");
    if (!form) return;
    evt.preventDefault();
    var to = form.querySelector("select").value;
    var card = form.closest(".board-card");
    if (!to) {
      announce("Choose where to move " + titleOf(card) + ".");
      return;
    }
    move(card, to);
  });

  // Arrow keys move focus between cards: up and down in a column, left and
  // right to the neighbouring column's card at the same place.
  board.addEventListener("keydown", function (evt) {
    var card = evt.target;
    if (!card.classList || !card.classList.contains("board-card")) return;
    var next = null;
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      var sib = evt.key === "ArrowDown" ? "nextElementSibling" : "previousElementSibling";
      next = card[sib];
      while (next && !next.classList.contains("board-card")) next = next[sib];
    } else if (evt.key === "ArrowLeft" || evt.key === "ArrowRight") {
      var cols = Array.prototype.slice.call(board.querySelectorAll(".board-column"));
      var col = card.closest(".board-column");
      var i = cols.indexOf(col) + (evt.key === "ArrowRight" ? 1 : -1);
      var at = Array.prototype.indexOf.call(col.querySelectorAll(".board-card"), card);
      for (; i >= 0 && i < cols.length && !next; i += evt.key === "ArrowRight" ? 1 : -1) {
        var cards = cols[i].querySelectorAll(".board-card");
        if (cards.length) next = cards[Math.min(at, cards.length - 1)];
      }
    } else {
      return;
    }
    evt.preventDefault();
    if (next) focusCard(next);
  });

  // The first card is where Tab enters the board's cards.
  tabStop();

  // A column's More brings the next cards; a card the board put in that
  // column meanwhile (a live save, the rep's own move) may be among them:
  // the newer of the two stays.
  document.addEventListener("htmx:after:swap", function () {
    var seen = {};
    board.querySelectorAll(".board-card").forEach(function (c) {
      var prev = seen[c.id];
      if (!prev) {
        seen[c.id] = c;
      } else if (parseInt(c.dataset.version, 10) > parseInt(prev.dataset.version, 10)) {
        prev.remove();
        seen[c.id] = c;
      } else {
        c.remove();
      }
    });
  });

  // refresh reads card id again and puts it where it now belongs; a card
  // the board's filters no longer hold (or deleted) leaves.
  function refresh(id) {
    var parts = board.dataset.cardsUrl.split("?");
    var url = parts[0] + "/" + encodeURIComponent(id) + (parts[1] ? "?" + parts[1] : "");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (res) {
      var old = cardById(id);
      if (held(id)) {
        // Read again once the drag, the dialog or the move is over.
        missed[id] = Infinity;
        return;
      }
      if (res.status === 204) {
        if (old) {
          count(old.dataset.state, -1);
          old.remove();
          tabStop();
        }
        return;
      }
      if (!res.ok) return;
      return res.text().then(function (text) {
        var card = parse(text).querySelector(".board-card");
        if (held(id)) {
          missed[id] = Infinity;
          return;
        }
        old = cardById(id);
        if (!card || (old && parseInt(old.dataset.version, 10) >= parseInt(card.dataset.version, 10))) return;
        place(card, old);
      });
    }).catch(function () { /* the card's next save reads it again */ });
  }

  // heads reads the columns' counts and amounts again, a moment after the
  // last of a run of saves: the server's are exact, where the board's own
  // counting misses the moves of cards it does not show.
  var headsTimer = null;
  function heads() {
    window.clearTimeout(headsTimer);
    headsTimer = window.setTimeout(function () {
      fetch(board.dataset.headsUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (text) {
        if (!text) return;
        parse(text).querySelectorAll("[data-state]").forEach(function (fresh) {
          var col = board.querySelector('.board-column[data-state="' + fresh.dataset.state + '"]');
          if (!col) return;
          var n = fresh.querySelector('[data-testid="column-count"]').textContent;
          if (/^\d+$/.test(n)) col.querySelector('[data-testid="column-count"]').textContent = n;
          var old = col.querySelector(".board-totals");
          var totals = fresh.querySelector(".board-totals");
          if (old && totals) old.replaceWith(totals);
          else if (old) old.remove();
          else if (totals) col.querySelector("h2").after(totals);
        });
      }).catch(function () { /* the next save reads them again */ });
    }, 500);
  }

  // interrupted tells the rep, once the board's stream is back after a
  // break, that saves made meanwhile may be missing from the cards: no
  // notice of them came (the server's live feed, or the stream itself,
  // was down). The heads are read again, exact as ever; the cards are not,
  // since a save may also have brought a card the board never showed, so
  // the board says so and offers a reload. The notice stands apart from
  // the banner, which each move replaces, until the reload.
  function interrupted() {
    heads();
    var text = "Live updates were interrupted, so cards saved meanwhile may show as they were.";
    var p = document.getElementById("board-interrupted");
    if (!p) {
      p = document.createElement("p");
      p.id = "board-interrupted";
      p.className = "notice live";
      p.dataset.testid = "board-interrupted";
      banner.before(p);
    }
    var reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = "Reload the board";
    reload.dataset.testid = "board-reload";
    p.replaceChildren(text + " ", reload);
    announce(text + " Reload the board to see every card as it is now.");
  }

  if (window.EventSource && window.crmStream && board.dataset.liveUrl) {
    // The stream ends when the server's feed may have missed saves (see
    // Feed.listen) and comes back by itself (app.js's stream); the open
    // that follows, unlike the first, means a gap.
    var source = window.crmStream(board.dataset.liveUrl, {
      gap: interrupted,
      saved: function (evt) {
        var n;
        try { n = JSON.parse(evt.data); } catch (e) { return; }
        var id = String(n.id);
        heads();
        var old = cardById(id);
        if (held(id)) {
          // Never under the rep's pointer, the dialog or a move on its
          // way: the move meets the newer version, and the card is read
          // again after it.
          missed[id] = Math.max(missed[id] || 0, n.version);
          return;
        }
        if (old && parseInt(old.dataset.version, 10) >= n.version) return;
        refresh(id);
      },
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();
