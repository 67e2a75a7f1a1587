package functional

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/domain/lead"
)

// The edges of "nothing a rep typed or saved is ever lost", one test per
// hole found in them (issue 10).

// Hole 1: a field changed and changed back since the rep's version (A→B→A)
// is a change someone saved: a stale save of it is the rep's call, never a
// silent merge over it.
func TestStaleSaveOverAFieldChangedAndChangedBackIsAConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // score 70 at version 1
	maria, john := a.signIn("maria"), a.signIn("john")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "60"}), true)
	require.Equal(t, http.StatusOK, res.status, res.body)
	res = a.doWith(john, http.MethodPost, leadPath(l), leadForm(l, 2, map[string]string{"score": "70"}), true)
	require.Equal(t, http.StatusOK, res.status, res.body)

	// Ann is still on version 1, where the score was 70 too, and types 75.
	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "75"}))

	assert.Equal(t, http.StatusConflict, res.status, "john's acknowledged 70 must not be overwritten unseen")
	assert.Contains(t, res.body, `data-testid="conflict-score" data-kind="both"`)
	assert.Contains(t, res.body, `name="score" value="75"`, "what Ann typed stays in the box")
	saved := a.lead(l.ID())
	assert.Equal(t, 70, saved.Fields().Score)
	assert.Equal(t, int64(3), saved.Version(), "nothing written")
}

// Hole 1 for moves: a lead moved and moved back since the rep looked was
// moved by someone; the rep's stale move is theirs to make again.
func TestStaleMoveOverAStatusMovedAndMovedBackIsAConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	maria := a.signIn("maria")
	for i, status := range []string{"LOST", "NEW"} {
		res := a.doWith(maria, http.MethodPost, leadPath(l)+"/status",
			url.Values{"version": {strconv.Itoa(i + 1)}, "status": {status}}, true)
		require.Equal(t, http.StatusOK, res.status, res.body)
	}

	res := a.postHTMX(leadPath(l)+"/status", url.Values{"version": {"1"}, "status": {"CONTACTED"}})

	assert.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "The lead was not moved to Contacted.")
	assert.Equal(t, "NEW", string(a.lead(l.ID()).Status()))
	assert.Equal(t, int64(3), a.lead(l.ID()).Version())
}

// Hole 4: an edit form that lacks a field must not clear it. Create forms
// still take a missing optional field as empty: nothing saved is lost.
func TestAnEditFormLackingAFieldIs400AndClearsNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	c := a.seedContact(grace)
	d := a.seedDeal(engines)
	ql := a.qualifiedLead(90)
	for _, tc := range []struct {
		name, path string
		form       url.Values
	}{
		{"a lead form with only the name", leadPath(l), url.Values{"version": {"1"}, "name": {"Ada"}}},
		{"a lead form without its notes", leadPath(l), without(leadForm(l, 1, nil), "notes")},
		{"a contact form without its phone", contactPath(c), without(contactForm(c, 1, nil), "phone")},
		{"a deal form without its currency", dealPath(d), without(dealForm(d, 1, nil), "currency")},
		{"a conversion form without the deal's title", convertPath(ql), without(convertForm(3, nil), "title")},
		{"a lead form with a move but only some fields", leadPath(l) + "/status", url.Values{"version": {"1"}, "status": {"CONTACTED"}, "name": {"Ada"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := a.dbState()
			for _, htmx := range []bool{false, true} {
				res := a.do(http.MethodPost, tc.path, tc.form, htmx)
				assert.Equal(t, http.StatusBadRequest, res.status, res.body)
				assert.Contains(t, res.body, "a missing field is not an empty one")
			}
			assert.Equal(t, before, a.dbState(), "nothing written")
		})
	}
	t.Run("a create form may leave optional fields out", func(t *testing.T) {
		res := a.post("/leads", url.Values{"name": {"Grace Hopper"}})
		assert.Equal(t, http.StatusSeeOther, res.status, res.body)
	})
}

// without returns form less the named fields.
func without(form url.Values, names ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for _, name := range names {
		out.Del(name)
	}
	return out
}

// Hole 5: a value's leading newline survives the round trip through the
// page, where the HTML parser drops one newline after <textarea>.
func TestNotesKeepTheirLeadingNewlineOnThePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	f := ada
	f.Notes = "\nSecond line first."
	l := a.seedLead(f)

	res := a.get(leadPath(l))

	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, `maxlength="10000">`+"\n\nSecond line first.</textarea>",
		"one newline for the parser to drop, then the value as saved")
}

// Hole 9: a rep's own save in another tab, or a double submit, is not
// "someone else".
func TestARepsOwnSavesInAnotherTabAreNotSomeoneElses(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	t.Run("a double submit of a save is one save, said plainly", func(t *testing.T) {
		l := a.seedLead(ada)
		form := leadForm(l, 1, map[string]string{"score": "88"})
		first := a.postHTMX(leadPath(l), form)
		require.Equal(t, http.StatusOK, first.status)

		second := a.postHTMX(leadPath(l), form)

		assert.Equal(t, http.StatusOK, second.status)
		assert.Contains(t, second.body, "Saved. This lead is now at version 2.")
		assert.NotContains(t, second.body, "Merged")
		assert.Equal(t, int64(2), a.lead(l.ID()).Version())
	})
	t.Run("a double submit of a move is one move", func(t *testing.T) {
		l := a.seedLead(ada)
		move := url.Values{"version": {"1"}, "status": {"CONTACTED"}}
		require.Equal(t, http.StatusOK, a.postHTMX(leadPath(l)+"/status", move).status)

		second := a.postHTMX(leadPath(l)+"/status", move)

		assert.Equal(t, http.StatusOK, second.status, second.body)
		assert.Contains(t, second.body, "Moved to Contacted.")
		assert.NotContains(t, second.body, "conflict-banner")
		assert.Equal(t, int64(2), a.lead(l.ID()).Version())
	})
	t.Run("a conflict with the rep's own save in another tab says so", func(t *testing.T) {
		l := a.seedLead(ada)
		require.Equal(t, http.StatusOK, a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "88"})).status)

		res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "91"}))

		assert.Equal(t, http.StatusConflict, res.status)
		assert.Contains(t, res.body, "You changed this lead in another tab after you opened it here")
		assert.NotContains(t, res.body, "Ann Example changed this lead")
	})
	t.Run("a merge with the rep's own save in another tab says so", func(t *testing.T) {
		l := a.seedLead(ada)
		require.Equal(t, http.StatusOK, a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0100"})).status)

		res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "91"}))

		assert.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "Merged with your save in another tab (version 2): kept your change there to Phone; saved your Score.")
	})
}

// Hole 2: a move made while the rep was typing carries what they typed
// through the same merge as a save: it never replaces it.
func TestAMoveKeepsWhatTheRepWasTyping(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.signIn("maria")
	moveWith := func(l interface{ ID() int64 }, changes map[string]string) url.Values {
		form := leadForm(a.lead(l.ID()), 1, changes)
		form.Set("status", "CONTACTED")
		return form
	}
	t.Run("the same field typed and saved by someone else is the rep's call, and nothing moves", func(t *testing.T) {
		l := a.seedLead(ada)
		// Ann is typing in Notes at version 1; Maria saves Notes.
		res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"notes": "Maria's notes."}), true)
		require.Equal(t, http.StatusOK, res.status)
		form := leadForm(l, 1, map[string]string{"notes": "Ann's notes, unsaved."})
		form.Set("status", "CONTACTED")

		res = a.postHTMX(leadPath(l)+"/status", form)

		assert.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Contains(t, res.body, "Nothing was saved, and the lead was not moved to Contacted.")
		assert.Contains(t, res.body, `data-testid="conflict-notes" data-kind="both"`)
		assert.Contains(t, res.body, "\nAnn&#39;s notes, unsaved.</textarea>", "Ann's text stays in the box")
		saved := a.lead(l.ID())
		assert.Equal(t, "Maria's notes.", saved.Fields().Notes)
		assert.Equal(t, "NEW", string(saved.Status()))
	})
	t.Run("a field only the rep typed is saved with the move, over someone else's save of another", func(t *testing.T) {
		l := a.seedLead(ada)
		res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"notes": "Maria's notes."}), true)
		require.Equal(t, http.StatusOK, res.status)

		res = a.postHTMX(leadPath(l)+"/status", moveWith(l, map[string]string{"phone": "+1 555 0100", "notes": ada.Notes}))

		assert.Equal(t, http.StatusOK, res.status, res.body)
		assert.Contains(t, res.body, "Moved to Contacted. Merged with maria&#39;s save (version 2): kept their change to Notes; saved your Phone and Status.")
		assert.Contains(t, res.body, `name="phone" value="+1 555 0100"`, "what Ann typed is in the box, saved")
		saved := a.lead(l.ID())
		assert.Equal(t, "+1 555 0100", saved.Fields().Phone)
		assert.Equal(t, "Maria's notes.", saved.Fields().Notes)
		assert.Equal(t, "CONTACTED", string(saved.Status()))
		assert.Equal(t, int64(3), saved.Version(), "one write for the save and the move")
	})
	t.Run("a move from a form nobody typed in is a move alone", func(t *testing.T) {
		l := a.seedLead(ada)

		res := a.postHTMX(leadPath(l)+"/status", moveWith(l, nil))

		assert.Equal(t, http.StatusOK, res.status, res.body)
		assert.Contains(t, res.body, "Moved to Contacted. This lead is now at version 2.")
		assert.Equal(t, ada, a.lead(l.ID()).Fields())
	})
	t.Run("a move whose typed fields break a rule moves nothing and keeps them", func(t *testing.T) {
		l := a.seedLead(ada)

		res := a.postHTMX(leadPath(l)+"/status", moveWith(l, map[string]string{"score": "101"}))

		assert.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		assert.Contains(t, res.body, `name="score" value="101"`)
		assert.Equal(t, int64(1), a.lead(l.ID()).Version())
	})
}

// Hole 7: a delete keeps the record, in the Trash. A write that meets it
// says who deleted it, keeps what the rep typed and offers to restore it
// with their changes; open pages hear of it; the API answers 410.
func TestADeleteIsKeptAnnouncedAndUndoable(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.signIn("maria")
	deleteAsMaria := func(l *lead.Lead, version int64) {
		t.Helper()
		res := a.doWith(maria, http.MethodPost, leadPath(l)+"/delete", url.Values{"version": {strconv.FormatInt(version, 10)}}, false)
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
	}

	t.Run("a save to a deleted lead is 409 with who deleted it, and keeps every typed value", func(t *testing.T) {
		l := a.seedLead(ada)
		deleteAsMaria(l, 1)
		typed := leadForm(l, 1, map[string]string{"phone": "+44 1 5555", "notes": "Typed while Maria deleted it."})

		for _, htmx := range []bool{false, true} {
			res := a.do(http.MethodPost, leadPath(l), typed, htmx)

			require.Equal(t, http.StatusConflict, res.status, res.body)
			assert.Contains(t, res.body, `data-testid="deleted-banner"`)
			assert.Contains(t, res.body, "maria deleted this lead")
			assert.Contains(t, res.body, "Your save was not made; the form keeps everything you typed.")
			assert.Contains(t, res.body, `value="+44 1 5555"`)
			assert.Contains(t, res.body, "\nTyped while Maria deleted it.</textarea>")
			assert.Contains(t, res.body, `name="version" value="1"`, "the form stays at the rep's version")
			assert.Contains(t, res.body, "Restore with my changes")
			assert.NotContains(t, res.body, `data-testid="save"`, "a deleted lead takes no save")
		}
		got := a.lead(l.ID())
		assert.True(t, got.Deleted(), "nothing was written")
		assert.Equal(t, ada.Phone, got.Fields().Phone)
	})
	t.Run("restore with my changes brings the lead back with them, merged with the saves before the delete", func(t *testing.T) {
		l := a.seedLead(ada)
		res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "90"}), false)
		require.Equal(t, http.StatusSeeOther, res.status)
		deleteAsMaria(l, 2)

		res = a.postHTMX(leadPath(l)+"/restore", leadForm(l, 1, map[string]string{"phone": "+44 1 5555"}))

		require.Equal(t, http.StatusOK, res.status, res.body[max(0, len(res.body)-3000):])
		assert.Contains(t, res.body, "Restored from the Trash.")
		assert.NotContains(t, res.body, "deleted-banner")
		got := a.lead(l.ID())
		assert.False(t, got.Deleted())
		assert.Equal(t, "+44 1 5555", got.Fields().Phone)
		assert.Equal(t, 90, got.Fields().Score, "Maria's save before the delete is kept")
	})
	t.Run("a move or a second delete meeting the delete says so too", func(t *testing.T) {
		l := a.seedLead(ada)
		deleteAsMaria(l, 1)

		res := a.postHTMX(leadPath(l)+"/status", url.Values{"version": {"1"}, "status": {"CONTACTED"}})
		assert.Equal(t, http.StatusConflict, res.status)
		assert.Contains(t, res.body, "maria deleted this lead")
		res = a.postHTMX(leadPath(l)+"/delete", url.Values{"version": {"1"}})
		assert.Equal(t, http.StatusConflict, res.status)
		assert.Contains(t, res.body, "There was nothing left to delete.")
		assert.Equal(t, int64(2), a.lead(l.ID()).Version())
	})
	t.Run("the trash lists it, and restore from there is versioned", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Trashed Tina", Email: "tina@example.com"})
		deleteAsMaria(l, 1)
		list := a.get("/leads?q=Trashed+Tina")
		row := fmt.Sprintf(`href="/leads/%d"`, l.ID())
		assert.NotContains(t, list.body, row, "out of the lists")

		trash := a.get("/trash")
		require.Equal(t, http.StatusOK, trash.status)
		assert.Contains(t, trash.body, "Trashed Tina")
		assert.Contains(t, trash.body, fmt.Sprintf(`action="/leads/%d/restore"`, l.ID()))

		stale := a.post(leadPath(l)+"/restore", url.Values{"version": {"1"}})
		assert.Equal(t, http.StatusConflict, stale.status, "a restore names the version that deleted it")
		live := a.seedLead(lead.Fields{Name: "Never deleted"})
		notDeleted := a.post(leadPath(live)+"/restore", url.Values{"version": {"1"}})
		assert.Equal(t, http.StatusUnprocessableEntity, notDeleted.status)
		assert.Contains(t, notDeleted.body, "Nothing to restore: this lead is not in the Trash.")
		assert.Contains(t, notDeleted.body, `value="Never deleted"`, "the form shows the lead as saved")
		res := a.post(leadPath(l)+"/restore", url.Values{"version": {"2"}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		assert.Equal(t, leadPath(l)+"?notice=restored", res.header.Get("Location"))
		assert.Contains(t, a.get(leadPath(l)+"?notice=restored").body, "Restored from the Trash.")
		assert.NotContains(t, a.get("/trash").body, "Trashed Tina")
		assert.Contains(t, a.get("/leads?q=Trashed+Tina").body, row, "back in the lists")
	})
	t.Run("open pages hear of the delete and the restore", func(t *testing.T) {
		l := a.seedLead(ada)
		events := a.openStream(leadPath(l)+"/live", a.session)
		deleteAsMaria(l, 1)
		// The lead's creation may still be announced first: the stream
		// opened as it was stored.
		ev := waitEventAt(t, events, 2)
		assert.Contains(t, ev.data, "maria deleted this lead just now (version 2). It is in the Trash")
		res := a.doWith(maria, http.MethodPost, leadPath(l)+"/restore", url.Values{"version": {"2"}}, false)
		require.Equal(t, http.StatusSeeOther, res.status)
		ev = waitEventAt(t, events, 3)
		assert.Contains(t, ev.data, "maria restored this lead from the Trash just now (version 3).")
	})
	t.Run("contacts and deals are deleted and restored the same way", func(t *testing.T) {
		c := a.seedContact(grace)
		res := a.post(contactPath(c)+"/delete", url.Values{"version": {"1"}})
		require.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, "/contacts?notice=deleted", res.header.Get("Location"))
		page := a.get(contactPath(c))
		assert.Contains(t, page.body, "You deleted this contact")
		require.Equal(t, http.StatusSeeOther, a.post(contactPath(c)+"/restore", url.Values{"version": {"2"}}).status)
		assert.False(t, a.contact(c.ID()).Deleted())
	})
	t.Run("a deleted lead is not converted", func(t *testing.T) {
		l := a.qualifiedLead(85)
		deleteAsMaria(l, 3)
		before := a.rowCounts()

		res := a.post(convertPath(l), convertForm(3, nil))

		assert.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Contains(t, res.body, "maria deleted it at")
		assert.Equal(t, before, a.rowCounts(), "no contact or deal created")
	})
	t.Run("the API answers 410 Gone for a deleted lead", func(t *testing.T) {
		l := a.seedLead(ada)
		deleteAsMaria(l, 1)
		token, err := a.createToken("ann@example.com")
		require.NoError(t, err)
		res := a.apiCall(http.MethodGet, "/api/v1/leads/"+strconv.FormatInt(l.ID(), 10), token, "", nil)
		assert.Equal(t, http.StatusGone, res.status)
		assert.Contains(t, res.body, "urn:crm:problem:gone")
		res = a.apiCall(http.MethodPatch, "/api/v1/leads/"+strconv.FormatInt(l.ID(), 10), token, `{"score":1}`,
			map[string]string{"If-Match": `"2"`, "Content-Type": "application/json"})
		assert.Equal(t, http.StatusGone, res.status)
	})
}

// Hole 3, without JavaScript: a save whose session ended is kept through
// the sign-in and shown again on the record, as typed, at the rep's
// version, so saving it merges as usual. (The browser test covers the
// dialog that resends it in place.)
func TestAWriteWhoseSessionEndedComesBackAfterSignIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	// Ann's session ends (signed out in another tab) while she types.
	ann := a.signIn("ann")
	require.Equal(t, http.StatusSeeOther, a.doWith(ann, http.MethodPost, "/logout", url.Values{}, false).status)
	// Maria saves the score meanwhile.
	maria := a.signIn("maria")
	require.Equal(t, http.StatusSeeOther, a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "90"}), false).status)

	typed := leadForm(l, 1, map[string]string{"notes": "Typed before the session ended.", "phone": "+44 1 5555"})
	res := a.doWith(ann, http.MethodPost, leadPath(l), typed, false)
	require.Equal(t, http.StatusSeeOther, res.status)
	login := res.header.Get("Location")
	require.Contains(t, login, "/login?")
	kept := cookieNamed(res, app.SessionCookie)
	require.NotNil(t, kept, "the form is kept in a session of its own")

	page := a.doWith(kept, http.MethodGet, login, nil, false)
	assert.Contains(t, page.body, "Your session ended before your change was saved.")
	next, err := url.ParseQuery(login[len("/login?"):])
	require.NoError(t, err)
	signIn := a.doWith(kept, http.MethodPost, "/login", url.Values{"email": {"ann@example.com"},
		"password": {"ann" + testPasswordSuffix}, "next": {next.Get("next")}}, false)
	require.Equal(t, http.StatusSeeOther, signIn.status)
	back := signIn.header.Get("Location")
	assert.Regexp(t, `^/leads/\d+\?resume=\w+$`, back, "back to the record")
	session := cookieNamed(signIn, app.SessionCookie)
	require.NotNil(t, session)

	page = a.doWith(session, http.MethodGet, back, nil, false)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "You are signed in again.")
	assert.Contains(t, page.body, "\nTyped before the session ended.</textarea>")
	assert.Contains(t, page.body, `value="+44 1 5555"`)
	assert.Contains(t, page.body, `name="version" value="1"`, "at the version Ann started from")
	assert.Contains(t, page.body, `data-unsaved="true"`, "the page warns before leaving it")
	again := a.doWith(session, http.MethodGet, back, nil, false)
	assert.NotContains(t, again.body, "Typed before the session ended.", "the key works once")

	saved := a.doWith(session, http.MethodPost, leadPath(l), typed, false)
	require.Equal(t, http.StatusSeeOther, saved.status)
	got := a.lead(l.ID())
	assert.Equal(t, "Typed before the session ended.", got.Fields().Notes)
	assert.Equal(t, 90, got.Fields().Score, "merged with Maria's save")
}

// waitEventAt waits for the live notice of version, skipping those of
// earlier versions.
func waitEventAt(t *testing.T, events <-chan sseEvent, version int64) sseEvent {
	t.Helper()
	for {
		ev := waitEvent(t, events)
		var n struct{ Version int64 }
		require.NoError(t, json.Unmarshal([]byte(ev.data), &n))
		if n.Version >= version {
			return ev
		}
	}
}

func cookieNamed(res response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == name && c.Value != "" {
			return c
		}
	}
	return nil
}
