package functional

// The timeline of a record's page through the whole app: reps log notes,
// calls, emails and meetings on a lead, which show newest first among its
// saved changes; an entry's author edits it with the conflict handling of
// every record, nobody else does, and an admin hides it.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/entry"
	"crm/domain/lead"
)

// logOn logs an entry on the record at path through its log form, over
// htmx, and returns the answer.
func (r rep) logOn(path string, form url.Values) response {
	return r.postHTMX(path+"/entries", form)
}

func call(body string) url.Values {
	return url.Values{"type": {"call"}, "body": {body}, "outcome": {"connected"}, "duration": {"12"}, "occurred_at": {""}}
}

// entryIDs are the ids of the entries a page's timeline shows, in order.
func entryIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<li id="entry-(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// timelineItems are the timeline's items in order: "entry:<type>" or
// "event:<name>".
func timelineItems(body string) []string {
	var out []string
	re := regexp.MustCompile(`data-testid="timeline-entry" data-entry-type="(\w+)"|data-testid="history-entry" data-kind="\w+" data-version="\d+" data-event="(\w+)"`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if m[1] != "" {
			out = append(out, "entry:"+m[1])
		} else {
			out = append(out, "event:"+m[2])
		}
	}
	return out
}

func (a *instance) theEntry(id int64) *entry.Entry {
	a.t.Helper()
	e, err := a.entries.For(a.user("ann")).Get(a.t.Context(), id)
	require.NoError(a.t, err)
	return e
}

func lastEntryID(t *testing.T, body string) int64 {
	t.Helper()
	ids := entryIDs(body)
	require.NotEmpty(t, ids, body)
	var id int64
	_, err := fmt.Sscan(ids[0], &id)
	require.NoError(t, err)
	return id
}

func TestLoggingACallPutsItOnTopOfTheTimeline(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})

	res := maria.logOn(leadPath(l), call("Asked for a trial: see https://example.com/trial.\nCall back Monday."))

	require.Equal(t, http.StatusCreated, res.status, res.body)
	assert.Contains(t, res.body, `<div hx-swap-oob="innerHTML:#lead-log-status">Call logged: it is at the top of the timeline.</div>`, "announced in the live region")
	assert.Contains(t, res.body, `hx-swap-oob="afterbegin:#lead-history-entries"`, "the new entry goes on top")
	assert.Contains(t, res.body, `<strong>Call · Connected · 12 min</strong> by maria`)
	assert.Contains(t, res.body, `<a href="https://example.com/trial" rel="noopener noreferrer nofollow" target="_blank">https://example.com/trial</a>.`+"\nCall back Monday.")
	assert.Regexp(t, `<textarea[^>]*name="body"[^>]*>\n</textarea>`, res.body, "the form comes back empty")
	id := lastEntryID(t, res.body)
	e := a.theEntry(id)
	assert.Equal(t, entry.Ref{Kind: "lead", ID: l.ID()}, e.RecordRef())
	assert.Equal(t, "maria", e.Author().Name)
	assert.WithinDuration(t, time.Now(), e.OccurredAt(), time.Minute, "an empty when is now")

	page := maria.get(leadPath(l)).body
	assert.Equal(t, []string{"entry:call", "event:LeadCreated"}, timelineItems(page))
	assert.Contains(t, page, `data-testid="entry-edit"`, "maria edits her own entry")
	assert.Equal(t, int64(1), a.lead(l.ID()).Version(), "logging is no save of the lead: nothing to conflict with")

	// Without htmx the log goes back to the page.
	res = maria.post(leadPath(l)+"/entries", url.Values{"type": {"note"}, "body": {"Prefers email."}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, leadPath(l)+"#lead-history", res.header.Get("Location"))
}

func TestALogTheRulesRefuseIs422AndLogsNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})

	res := maria.logOn(leadPath(l), url.Values{"type": {"note"}, "body": {"  "}, "outcome": {"held"}, "duration": {"ten"}, "occurred_at": {"yesterday"}})

	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	for _, field := range []string{"body", "outcome", "duration", "occurred_at"} {
		assert.Contains(t, res.body, `id="lead-log-`+field+`-error"`, field)
	}
	assert.Contains(t, res.body, `value="ten"`, "what the rep typed stays")
	assert.Empty(t, entryIDs(maria.get(leadPath(l)).body))

	assert.Equal(t, http.StatusNotFound, maria.logOn("/leads/999999", call("x")).status)
	assert.Equal(t, http.StatusNotFound, maria.logOn("/contacts/999999", call("x")).status)
	a.post(leadPath(l)+"/delete", url.Values{"version": {"1"}})
	assert.Equal(t, http.StatusConflict, maria.logOn(leadPath(l), call("x")).status, "a lead in the Trash takes no entry")
}

func TestWhenIsReadInTheRepsTimeZone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	res := maria.post("/me/time-zone", url.Values{"time_zone": {"Europe/Berlin"}})
	require.Less(t, res.status, 400, res.body)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})

	res = maria.logOn(leadPath(l), url.Values{"type": {"meeting"}, "outcome": {"held"}, "duration": {"45"}, "occurred_at": {"2026-11-27T14:30"}, "body": {""}})

	require.Equal(t, http.StatusCreated, res.status, res.body)
	assert.Equal(t, time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC), a.theEntry(lastEntryID(t, res.body)).OccurredAt())
}

func TestOnlyItsAuthorEditsAnEntryWithTheConflictHandlingOfEveryRecord(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	id := lastEntryID(t, maria.logOn(leadPath(l), call("Met at the fair.\nBudget next quarter.\nCall back.")).body)
	path := fmt.Sprintf("/entries/%d", id)
	form := func(version int64, body string) url.Values {
		return url.Values{"version": {fmt.Sprint(version)}, "type": {"call"}, "body": {body}, "outcome": {"connected"}, "duration": {"12"}}
	}

	page := john.get(leadPath(l)).body
	assert.NotContains(t, page, `data-testid="entry-edit"`, "john gets no Edit on maria's entry")
	res := john.postHTMX(path, form(1, "Rewritten by john."))
	require.Equal(t, http.StatusForbidden, res.status, res.body)
	assert.Contains(t, res.body, "Only maria, who logged this entry, may change it.")
	assert.Equal(t, http.StatusForbidden, john.post(path+"/delete", url.Values{"version": {"1"}}).status)

	// Maria edits from two tabs: different lines merge, line by line.
	res = maria.postHTMX(path, form(1, "Met at the Berlin fair.\nBudget next quarter.\nCall back."))
	require.Equal(t, http.StatusOK, res.status, res.body)
	res = maria.postHTMX(path, form(1, "Met at the fair.\nBudget next quarter.\nCall back on Monday."))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `data-version="3"`)
	assert.Equal(t, "Met at the Berlin fair.\nBudget next quarter.\nCall back on Monday.", a.theEntry(id).Fields().Body)

	// The same line two ways is the side-by-side conflict.
	res = maria.postHTMX(path, form(3, "Met at the Berlin fair.\nBudget this quarter.\nCall back on Monday."))
	require.Equal(t, http.StatusOK, res.status, res.body)
	res = maria.postHTMX(path, form(3, "Met at the Berlin fair.\nNo budget.\nCall back on Monday."))
	require.Equal(t, http.StatusConflict, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="conflict-banner"`)

	// Her own delete takes it off the timeline.
	res = maria.post(path+"/delete", url.Values{"version": {"4"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, leadPath(l)+"#lead-history", res.header.Get("Location"), "back to the timeline")
	assert.Empty(t, entryIDs(maria.get(leadPath(l)).body))

	// It waits in maria's Trash, and comes back from it.
	assert.Contains(t, maria.get("/trash").body, fmt.Sprintf(`data-testid="trash-entry-%d"`, id))
	assert.NotContains(t, john.get("/trash").body, fmt.Sprintf(`data-testid="trash-entry-%d"`, id), "only its author restores it")
	res = maria.post(path+"/restore", url.Values{"version": {"5"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, []string{fmt.Sprint(id)}, entryIDs(maria.get(leadPath(l)).body))
}

func TestAnAdminHidesAnEntryForEveryoneAndUnhidesIt(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	id := lastEntryID(t, maria.logOn(leadPath(l), call("Something rude.")).body)
	hide := func(r rep, version int64, hidden string) response {
		return r.postHTMX(fmt.Sprintf("/entries/%d/hide", id), url.Values{"version": {fmt.Sprint(version)}, "hidden": {hidden}})
	}

	assert.NotContains(t, maria.get(leadPath(l)).body, `data-testid="entry-hide"`, "a rep gets no Hide")
	res := hide(maria, 1, "yes")
	assert.Equal(t, http.StatusForbidden, res.status, res.body)
	assert.Contains(t, res.body, "Only an admin may hide or unhide an entry.")

	res = hide(rep{a: a, name: "ann", session: a.session}, 1, "yes")
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="entry-unhide"`)
	for _, r := range []rep{maria, john} {
		page := r.get(leadPath(l)).body
		assert.NotContains(t, page, "Something rude.", r.name)
		assert.Contains(t, page, "An entry by maria was hidden by Ann Example.", r.name)
		assert.NotContains(t, page, `data-testid="entry-edit"`, r.name)
	}
	assert.Equal(t, http.StatusNotFound, maria.get(fmt.Sprintf("/entries/%d", id)).status, "its text is nobody's to read")
	res = maria.postHTMX(fmt.Sprintf("/entries/%d", id), url.Values{"version": {"2"}, "type": {"call"}, "body": {"Sorry."}, "outcome": {""}, "duration": {""}})
	assert.Equal(t, http.StatusNotFound, res.status, "nor to edit")
	assert.Equal(t, http.StatusBadRequest, hide(rep{a: a, session: a.session}, 2, "maybe").status)
	assert.Equal(t, http.StatusConflict, hide(rep{a: a, session: a.session}, 1, "no").status, "from an old version")

	res = hide(rep{a: a, session: a.session}, 2, "no")
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, maria.get(leadPath(l)).body, "Something rude.")
	history := a.get(fmt.Sprintf("/entries/%d", id)).body
	assert.Contains(t, history, `data-event="EntryHidden"`, "the entry's history says who hid it")
	assert.Contains(t, history, `data-event="EntryUnhidden"`)
}

func TestTheTimelineMixesEntriesAndChangesNewestFirstAndPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	// 13 saves of the lead and 12 entries, alternating, then one entry
	// logged as having happened before all of them.
	for i := range 12 {
		_, err := a.leads.Save(t.Context(), "maria", l.ID(), int64(i+1), lead.Fields{Name: "Ada Lovelace", Score: 51 + i})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, maria.logOn(leadPath(l), url.Values{"type": {"note"}, "body": {fmt.Sprintf("Note %d", i)}}).status)
	}
	res := maria.logOn(leadPath(l), url.Values{"type": {"email"}, "body": {"Sent the deck."},
		"occurred_at": {time.Now().Add(-48 * time.Hour).UTC().Format("2006-01-02T15:04")}})
	require.Equal(t, http.StatusCreated, res.status, res.body)

	first := maria.get(leadPath(l)).body
	items := timelineItems(first)
	require.Len(t, items, 20, "20 a page")
	assert.Equal(t, "entry:note", items[0], "the newest is the last note")
	assert.Equal(t, "event:LeadUpdated", items[1])
	assert.Contains(t, first, "Note 11")

	older := regexp.MustCompile(`hx-get="(/leads/\d+/history\?after=[^"]+)"`).FindStringSubmatch(first)
	require.Len(t, older, 2, "Show older")
	res = maria.doHTMXGet(strings.ReplaceAll(older[1], "&amp;", "&"))
	require.Equal(t, http.StatusOK, res.status, res.body)
	rest := timelineItems(res.body)
	assert.Equal(t, []string{"entry:note", "event:LeadUpdated", "entry:note", "event:LeadUpdated", "event:LeadCreated", "entry:email"}, rest,
		"the rest, the backdated email last")
	assert.NotContains(t, res.body, `data-testid="history-older"`, "none left")
	assert.Len(t, append(items, rest...), 26, "every item once")

	assert.Equal(t, http.StatusBadRequest, maria.doHTMXGet(leadPath(l)+"/history?after=e%3Dnope").status)
}

func (r rep) doHTMXGet(path string) response {
	return r.a.doWith(r.session, http.MethodGet, path, nil, true)
}

func TestAPIEntriesFollowTheConcurrencyControlAndWhoMayWhat(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	john, err := a.createToken("john@example.com")
	require.NoError(t, err)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	type entryJSON struct {
		ID         int64     `json:"id"`
		Version    int64     `json:"version"`
		Type       string    `json:"type"`
		Body       string    `json:"body"`
		Outcome    string    `json:"outcome"`
		Duration   int       `json:"duration"`
		RecordKind string    `json:"record_kind"`
		RecordID   int64     `json:"record_id"`
		Author     string    `json:"author"`
		OccurredAt time.Time `json:"occurred_at"`
		Hidden     bool      `json:"hidden"`
	}
	decode := func(res response) entryJSON {
		t.Helper()
		var e entryJSON
		require.NoError(t, json.Unmarshal([]byte(res.body), &e), res.body)
		return e
	}
	body := fmt.Sprintf(`{"record_kind":"lead","record_id":%d,"type":"meeting","body":"Demo.\nThey liked it.","outcome":"held","duration":45,"occurred_at":"2026-11-27T13:30:00Z"}`, l.ID())

	res := a.apiCall(http.MethodPost, "/api/v1/entries", maria, body, nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	e := decode(res)
	assert.Equal(t, entryJSON{ID: e.ID, Version: 1, Type: "meeting", Body: "Demo.\nThey liked it.", Outcome: "held", Duration: 45,
		RecordKind: "lead", RecordID: l.ID(), Author: "maria", OccurredAt: time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC)}, e)
	path := fmt.Sprintf("/api/v1/entries/%d", e.ID)
	assert.Equal(t, path, res.header.Get("Location"))

	res = a.apiCall(http.MethodPost, "/api/v1/entries", maria, `{"record_kind":"lead","record_id":999999,"type":"note","body":"x"}`, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, res.body, "There is no lead 999999.", "the body names the record: a mistake in the request, not a missing address")
	res = a.apiCall(http.MethodPost, "/api/v1/entries", maria, fmt.Sprintf(`{"record_kind":"lead","record_id":%d,"type":"note","body":" "}`, l.ID()), nil)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	res = a.apiCall(http.MethodPost, "/api/v1/entries", maria, `{"type":"note","body":"x","occurred_at":"yesterday"}`, nil)
	assert.Equal(t, http.StatusBadRequest, res.status, res.body)
	for _, m := range []string{"record_kind", "record_id", "occurred_at"} {
		assert.Contains(t, res.body, m)
	}

	res = a.apiCall(http.MethodGet, fmt.Sprintf("/api/v1/entries?record_kind=lead&record_id=%d", l.ID()), john, "", nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	var list struct{ Items []entryJSON }
	require.NoError(t, json.Unmarshal([]byte(res.body), &list))
	assert.Equal(t, []entryJSON{e}, list.Items)
	assert.Equal(t, http.StatusBadRequest, a.apiCall(http.MethodGet, "/api/v1/entries?record_kind=view&record_id=1", john, "", nil).status)

	res = a.apiCall(http.MethodPatch, path, john, `{"body":"Mine now."}`, map[string]string{"If-Match": `"1"`})
	assert.Equal(t, http.StatusForbidden, res.status, res.body)
	assert.Equal(t, http.StatusForbidden, a.apiCall(http.MethodDelete, path, john, "", map[string]string{"If-Match": `"1"`}).status)
	res = a.apiCall(http.MethodPatch, path, maria, `{"duration":50}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	res = a.apiCall(http.MethodPatch, path, maria, `{"duration":55}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
	assert.Contains(t, res.body, `"duration":50`, "the entry as saved now")
	res = a.apiCall(http.MethodPatch, path, maria, `{"record_id":1}`, map[string]string{"If-Match": `"2"`})
	assert.Equal(t, http.StatusBadRequest, res.status, res.body)

	assert.Equal(t, http.StatusNoContent, a.apiCall(http.MethodDelete, path, maria, "", map[string]string{"If-Match": `"2"`}).status)
	assert.Equal(t, http.StatusGone, a.apiCall(http.MethodGet, path, john, "", nil).status)
}
