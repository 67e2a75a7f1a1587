package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// seedLeads creates n leads named "Lead 1"… of source "Web" and returns
// them at version 1.
func seedLeads(t *testing.T, c *client, n int) []*lead.Lead {
	t.Helper()
	out := make([]*lead.Lead, n)
	for i := range out {
		l, err := c.leads.Create(t.Context(), "seed", lead.Fields{Name: fmt.Sprintf("Lead %d", i+1), Source: "Web", Score: 50})
		require.NoError(t, err)
		out[i] = l
	}
	return out
}

// outcomesByID reads a bulk answer's outcomes by lead id.
func outcomesByID(t *testing.T, body map[string]any) map[float64]map[string]any {
	t.Helper()
	out := map[float64]map[string]any{}
	for _, o := range body["outcomes"].([]any) {
		m := o.(map[string]any)
		out[m["id"].(float64)] = m
	}
	return out
}

func TestBulkChangesEachLeadAtTheVersionTheClientRead(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ls := seedLeads(t, c, 4)
	ctx := t.Context()
	// After the client read the four at version 1: john saves the first's
	// phone, and the second's source; the third is deleted.
	f := ls[0].Fields()
	f.Phone = "+1 555 0100"
	_, err := c.leads.Save(ctx, "john", ls[0].ID(), 1, f)
	require.NoError(t, err)
	f = ls[1].Fields()
	f.Source = "Referral"
	_, err = c.leads.Save(ctx, "john", ls[1].ID(), 1, f)
	require.NoError(t, err)
	_, err = c.leads.Delete(ctx, "john", ls[2].ID(), 1)
	require.NoError(t, err)
	body := fmt.Sprintf(`{"ids": [{"id": %d, "version": 1}, {"id": %d, "version": 1}, {"id": %d, "version": 1}, {"id": %d, "version": 1}, {"id": 999, "version": 1}],
		"change": {"source": "Fair"}}`, ls[0].ID(), ls[1].ID(), ls[2].ID(), ls[3].ID())

	res := c.post("/api/v1/leads/bulk", body, nil)

	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	got := res.object(t)
	assert.Equal(t, true, got["complete"])
	assert.Equal(t, map[string]any{"source": "Fair"}, got["change"])
	assert.Equal(t, map[string]any{"changed": 1.0, "merged": 1.0, "unchanged": 0.0, "conflict": 1.0, "refused": 0.0, "gone": 2.0}, got["counts"])
	o := outcomesByID(t, got)
	assert.Equal(t, map[string]any{"id": float64(ls[0].ID()), "name": "Lead 1", "seen_version": 1.0, "outcome": "merged",
		"version": 3.0, "by": "john", "fields": []any{"phone"}, "link": fmt.Sprintf("/api/v1/leads/%d", ls[0].ID())}, o[float64(ls[0].ID())])
	assert.Equal(t, map[string]any{"id": float64(ls[1].ID()), "name": "Lead 2", "seen_version": 1.0, "outcome": "conflict",
		"version": 2.0, "by": "john", "fields": []any{"source"}, "now": "Referral", "link": fmt.Sprintf("/api/v1/leads/%d", ls[1].ID())}, o[float64(ls[1].ID())])
	assert.Equal(t, "gone", o[float64(ls[2].ID())]["outcome"])
	assert.Equal(t, "john", o[float64(ls[2].ID())]["by"])
	assert.NotEmpty(t, o[float64(ls[2].ID())]["deleted_at"])
	assert.Equal(t, "changed", o[float64(ls[3].ID())]["outcome"])
	assert.Equal(t, map[string]any{"id": 999.0, "seen_version": 1.0, "outcome": "gone", "link": "/api/v1/leads/999"}, o[999])
	stored, err := c.leads.Get(ctx, ls[0].ID())
	require.NoError(t, err)
	assert.Equal(t, "Maria", stored.UpdatedBy(), "written by the token's user")
	assert.Equal(t, "+1 555 0100", stored.Fields().Phone)
}

func TestBulkChangeOfAViewAndItsRefusals(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ls := seedLeads(t, c, 3)
	_, err := c.leads.Move(t.Context(), "john", ls[0].ID(), 1, lead.StatusLost)
	require.NoError(t, err)

	res := c.post("/api/v1/leads/bulk", `{"view": "status=NEW&source=Web", "change": {"status": "CONTACTED"}}`, nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, 2.0, res.object(t)["counts"].(map[string]any)["changed"])

	res = c.post("/api/v1/leads/bulk", fmt.Sprintf(`{"ids": [{"id": %d, "version": 2}, {"id": %d, "version": 2}], "change": {"status": "CONVERTED"}}`,
		ls[0].ID(), ls[1].ID()), nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	o := outcomesByID(t, res.object(t))
	assert.Equal(t, "refused", o[float64(ls[0].ID())]["outcome"])
	assert.Equal(t, "Cannot move from LOST to CONVERTED.", o[float64(ls[0].ID())]["message"])
	assert.Equal(t, "Cannot move from CONTACTED to CONVERTED.", o[float64(ls[1].ID())]["message"])

	res = c.post("/api/v1/leads/bulk", fmt.Sprintf(`{"ids": [{"id": %d, "version": 1}], "change": {"status": "LOST"}}`, ls[0].ID()), nil)
	o = outcomesByID(t, res.object(t))
	assert.Equal(t, map[string]any{"id": float64(ls[0].ID()), "name": "Lead 1", "seen_version": 1.0, "outcome": "unchanged",
		"version": 2.0, "by": "john", "now": "LOST", "link": fmt.Sprintf("/api/v1/leads/%d", ls[0].ID())}, o[float64(ls[0].ID())],
		"already LOST, by john since the version read")
}

func TestBulkChangeRequestsThatAreNotOneValidChange(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ls := seedLeads(t, c, 1)
	one := fmt.Sprintf(`{"id": %d, "version": 1}`, ls[0].ID())
	for _, tc := range []struct {
		name, body string
		status     int
		kind       string
		field      string
		message    string
	}{
		{"no change", `{"ids": [` + one + `]}`, 400, "malformed-request", "change", `Required, such as {"status": "LOST"}.`},
		{"an empty change", `{"ids": [` + one + `], "change": {}}`, 422, "validation-failed", "change", "Choose a change: a status to move to, a source or an owner to set."},
		{"two changes", `{"ids": [` + one + `], "change": {"status": "LOST", "source": "Fair"}}`, 422, "validation-failed", "change", "Choose one change: a status, a source or an owner, not more."},
		{"an unknown status", `{"ids": [` + one + `], "change": {"status": "WON"}}`, 422, "validation-failed", "change.status", `"WON" is not a status; use one of NEW, CONTACTED, QUALIFIED, CONVERTED, LOST.`},
		{"a source too long", `{"ids": [` + one + `], "change": {"source": "` + strings.Repeat("x", 201) + `"}}`, 422, "validation-failed", "change.source", "Source is 201 characters; the limit is 200."},
		{"no lead", `{"change": {"status": "LOST"}}`, 422, "validation-failed", "ids", "Pick at least one lead."},
		{"a lead twice", `{"ids": [` + one + `, ` + one + `], "change": {"status": "LOST"}}`, 422, "validation-failed", "ids", fmt.Sprintf("Lead %d is listed more than once.", ls[0].ID())},
		{"a lead without its version", fmt.Sprintf(`{"ids": [{"id": %d}], "change": {"status": "LOST"}}`, ls[0].ID()), 400, "malformed-request", "ids[0].version", "Required, such as 3."},
		{"ids not an array", `{"ids": 7, "change": {"status": "LOST"}}`, 400, "malformed-request", "ids", "Must be an array of objects; got a number."},
		{"an id as text", `{"ids": [{"id": "7", "version": 1}], "change": {"status": "LOST"}}`, 400, "malformed-request", "ids[0].id", "Must be a whole number written as a JSON integer, such as 42; got a string."},
		{"an unknown member", `{"ids": [` + one + `], "change": {"status": "LOST", "owner": "ann"}}`, 400, "malformed-request", "change.owner", "Unknown field."},
		{"a view that does not parse", `{"view": "score_min=lots", "change": {"status": "LOST"}}`, 400, "malformed-request", "view", "The lowest score must be a whole number from 0 to 100."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := requireProblem(t, c.post("/api/v1/leads/bulk", tc.body, nil), tc.status, tc.kind)
			assert.Contains(t, p["errors"], map[string]any{"field": tc.field, "message": tc.message})
		})
	}
	requireProblem(t, c.post("/api/v1/leads/bulk", `{"ids": [`+one+`], "change": {"status": "LOST"}}`, h{"Authorization": "Bearer " + mariaReadOnlyToken}),
		http.StatusForbidden, "forbidden")
	requireProblem(t, c.post("/api/v1/leads/bulk", `{"ids": [`+one+`], "change": {"status": "LOST"}}`, h{"Content-Type": "text/plain"}),
		http.StatusUnsupportedMediaType, "unsupported-media-type")
	stored, err := c.leads.Get(t.Context(), ls[0].ID())
	require.NoError(t, err)
	assert.Equal(t, int64(1), stored.Version(), "nothing written")
}

// stoppingLeads is a lead service whose bulk change stops part way, as
// one does when the database goes away.
type stoppingLeads struct{ brokenLeads }

func (stoppingLeads) Bulk(_ context.Context, b leads.Bulk) (leads.BulkReport, error) {
	return leads.BulkReport{Change: b.Change, Outcomes: []leads.BulkOutcome{{ID: 1, Name: "Ada", Seen: 1, Result: leads.BulkChanged, Version: 2}},
			Stopped: &leads.Seen{ID: 2, Version: 1}, Untouched: 3},
		fmt.Errorf("bulk change of leads, stopped at lead 2 after 1: update lead 2: %w: read tcp: reset", domain.ErrUnavailable)
}

func TestABulkChangeTheDatabaseStopsIs503WithWhatWasDone(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	c := newFakeClient(t, stoppingLeads{}, &log)

	res := c.post("/api/v1/leads/bulk", `{"ids": [{"id": 1, "version": 1}, {"id": 2, "version": 1}], "change": {"status": "LOST"}}`, nil)

	p := requireProblem(t, res, http.StatusServiceUnavailable, "unavailable")
	assert.Equal(t, "5", res.header.Get("Retry-After"))
	assert.Equal(t, "The database stopped answering during the bulk change. Leads done before it did: 1 (see \"outcomes\"). Whether lead 2 changed "+
		"is not known; the 3 leads after it were not touched. Send the change again once the database is back: leads already changed are then reported unchanged.",
		p["detail"])
	assert.Equal(t, false, p["complete"])
	assert.Equal(t, map[string]any{"id": 2.0, "version": 1.0, "untouched": 3.0}, p["stopped"])
	assert.Equal(t, []any{map[string]any{"id": 1.0, "name": "Ada", "seen_version": 1.0, "outcome": "changed", "version": 2.0, "link": "/api/v1/leads/1"}}, p["outcomes"])
	assert.NotContains(t, string(res.body), "tcp")
	assert.Contains(t, log.String(), "read tcp: reset", "the cause is in the log")
}
