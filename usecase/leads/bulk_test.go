package leads_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/memory"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// bulkLeads creates n leads named "Lead 1"… in an empty in-memory store,
// created by ana: NEW, at version 1, source "Web".
func bulkLeads(t *testing.T, n int) (*leads.Service, []*lead.Lead) {
	t.Helper()
	svc := leads.NewService(memory.New().Leads)
	return svc, createLeads(t, svc, n)
}

func createLeads(t *testing.T, svc *leads.Service, n int) []*lead.Lead {
	t.Helper()
	out := make([]*lead.Lead, n)
	for i := range out {
		l, err := svc.Create(t.Context(), "ana", lead.Fields{Name: fmt.Sprintf("Lead %d", i+1), Source: "Web", Score: 50})
		require.NoError(t, err)
		out[i] = l
	}
	return out
}

func seen(ls ...*lead.Lead) []leads.Seen {
	out := make([]leads.Seen, len(ls))
	for i, l := range ls {
		out[i] = leads.Seen{ID: l.ID(), Version: l.Version()}
	}
	return out
}

func toStatus(s lead.Status) leads.Change { return leads.Change{Status: s} }
func toSource(s string) leads.Change      { return leads.Change{Source: &s} }

// results lists each outcome's result, in order.
func results(r leads.BulkReport) []leads.BulkResult {
	out := make([]leads.BulkResult, len(r.Outcomes))
	for i, o := range r.Outcomes {
		out[i] = o.Result
	}
	return out
}

func TestBulk_ChangesEachPickedLeadAtTheVersionItsRepSaw(t *testing.T) {
	t.Parallel()

	t.Run("a status move of leads nobody touched since", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 3)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(ls[0], ls[2]), Change: toStatus(lead.StatusLost)})

		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkChanged, leads.BulkChanged}, results(r))
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkChanged, Version: 2}, r.Outcomes[0])
		for _, l := range []*lead.Lead{ls[0], ls[2]} {
			got := current(t, svc, l.ID())
			assert.Equal(t, lead.StatusLost, got.Status())
			assert.Equal(t, "john", got.UpdatedBy())
			h, err := svc.History(t.Context(), l.ID(), record.Paging{})
			require.NoError(t, err)
			assert.Equal(t, lead.EventStatusChanged, h.Items[0].Name, "recorded as any move is")
		}
		assert.Equal(t, lead.StatusNew, current(t, svc, ls[1].ID()).Status(), "a lead not picked is left alone")
		assert.Nil(t, r.Stopped)
	})
	t.Run("a new source, every other field kept", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 2)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(ls...), Change: toSource("  Trade fair ")})

		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkChanged, leads.BulkChanged}, results(r))
		assert.Equal(t, "Trade fair", *r.Change.Source, "trimmed as a form's source is")
		got := current(t, svc, ls[1].ID())
		assert.Equal(t, lead.Fields{Name: "Lead 2", Source: "Trade fair", Score: 50}, got.Fields())
		assert.Equal(t, int64(2), got.Version())
	})
}

func TestBulk_ALeadEditedSinceThePageWasRead(t *testing.T) {
	t.Parallel()

	t.Run("merges when the other rep changed other fields", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 2)
		picked := seen(ls...) // the page john read
		f := ls[0].Fields()
		f.Phone, f.Score = "+1 555 0100", 80
		_, err := svc.Save(t.Context(), "maria", ls[0].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toSource("Fair")})

		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkMerged, leads.BulkChanged}, results(r))
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkMerged, Version: 3,
			By: "maria", Fields: []string{lead.FieldPhone, lead.FieldScore}}, r.Outcomes[0])
		got := current(t, svc, ls[0].ID())
		assert.Equal(t, lead.Fields{Name: "Lead 1", Phone: "+1 555 0100", Source: "Fair", Score: 80}, got.Fields(), "both reps' changes")
	})
	t.Run("is a conflict when the other rep changed the same field, and writes nothing", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 2)
		picked := seen(ls...)
		f := ls[0].Fields()
		f.Source = "Referral"
		_, err := svc.Save(t.Context(), "maria", ls[0].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toSource("Fair")})

		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkConflict, leads.BulkChanged}, results(r), "the others go on")
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkConflict, Version: 2,
			By: "maria", Fields: []string{lead.FieldSource}, Now: "Referral"}, r.Outcomes[0])
		got := current(t, svc, ls[0].ID())
		assert.Equal(t, "Referral", got.Fields().Source, "maria's source stands")
		assert.Equal(t, int64(2), got.Version())
	})
	t.Run("is a conflict when the lead had the source when seen and another since", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		f := ls[0].Fields()
		f.Source = "Referral"
		_, err := svc.Save(t.Context(), "maria", ls[0].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toSource("Web")})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkConflict, Version: 2,
			By: "maria", Fields: []string{lead.FieldSource}, Now: "Referral"}, r.Outcomes[0])
		assert.Equal(t, "Referral", current(t, svc, ls[0].ID()).Fields().Source)
	})
	t.Run("a move merges when the lead was saved but not moved", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		mariaSaves(t, svc, ls[0].ID(), func(f *lead.Fields) { *f = ls[0].Fields(); f.Score = 90 })

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusContacted)})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkMerged, Version: 3,
			By: "maria", Fields: []string{lead.FieldScore}}, r.Outcomes[0])
		got := current(t, svc, ls[0].ID())
		assert.Equal(t, lead.StatusContacted, got.Status())
		assert.Equal(t, 90, got.Fields().Score)
	})
	t.Run("a move is a conflict when the lead was moved since", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		_, err := svc.Move(t.Context(), "maria", ls[0].ID(), 1, lead.StatusContacted)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusLost)})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkConflict, Version: 2,
			By: "maria", Fields: []string{lead.FieldStatus}, Now: "CONTACTED"}, r.Outcomes[0])
		assert.Equal(t, lead.StatusContacted, current(t, svc, ls[0].ID()).Status())
	})
	t.Run("a conflict names who changed the field, not who saved last", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		_, err := svc.Move(t.Context(), "maria", ls[0].ID(), 1, lead.StatusContacted)
		require.NoError(t, err)
		f := ls[0].Fields()
		f.Phone = "+1 555 0100"
		_, err = svc.Save(t.Context(), "sam", ls[0].ID(), 2, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusLost)})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkConflict, Version: 3,
			By: "maria", Fields: []string{lead.FieldStatus}, Now: "CONTACTED"}, r.Outcomes[0])
	})
	t.Run("a lead someone else already moved where the change goes is unchanged", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		_, err := svc.Move(t.Context(), "maria", ls[0].ID(), 1, lead.StatusLost)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusLost)})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkUnchanged, Version: 2,
			By: "maria", Now: "LOST"}, r.Outcomes[0])
		assert.Equal(t, int64(2), current(t, svc, ls[0].ID()).Version(), "nothing written")
	})
}

func TestBulk_EachLeadGetsItsOwnOutcome(t *testing.T) {
	t.Parallel()
	store := memory.New().Leads
	svc := leads.NewService(store)
	ls := createLeads(t, svc, 6)
	ctx := t.Context()
	// ls[0] is moved, ls[1] already LOST, ls[2] deleted, ls[3] converted,
	// ls[4] moved to QUALIFIED (LOST is allowed from there), ls[5] as created.
	_, err := svc.Move(ctx, "seed", ls[1].ID(), 1, lead.StatusLost)
	require.NoError(t, err)
	_, err = svc.Delete(ctx, "maria", ls[2].ID(), 1)
	require.NoError(t, err)
	converted := convertedLead(t, store, svc, ls[3])
	for v, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		_, err := svc.Move(ctx, "seed", ls[4].ID(), int64(v+1), to)
		require.NoError(t, err)
	}
	picked := []leads.Seen{
		{ID: ls[0].ID(), Version: 1}, {ID: ls[1].ID(), Version: 2}, {ID: ls[2].ID(), Version: 1},
		{ID: converted.ID(), Version: converted.Version()}, {ID: ls[4].ID(), Version: 3}, {ID: 999, Version: 1},
	}

	r, err := svc.Bulk(ctx, leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusLost)})

	require.NoError(t, err)
	assert.Equal(t, []leads.BulkResult{leads.BulkChanged, leads.BulkUnchanged, leads.BulkGone, leads.BulkRefused,
		leads.BulkChanged, leads.BulkGone}, results(r))
	assert.Equal(t, "maria", r.Outcomes[2].By, "who deleted it")
	assert.False(t, r.Outcomes[2].At.IsZero(), "and when")
	assert.Equal(t, "Cannot move from CONVERTED to LOST. A converted lead stays converted.", r.Outcomes[3].Message)
	assert.Equal(t, lead.StatusConverted, current(t, svc, converted.ID()).Status())
	assert.Equal(t, leads.BulkOutcome{ID: 999, Seen: 1, Result: leads.BulkGone}, r.Outcomes[5], "never existed")
	assert.Equal(t, 2, r.Count(leads.BulkChanged))
	assert.Equal(t, 2, r.Count(leads.BulkGone))
}

func TestBulk_ConvertingIsRefusedLeadByLead(t *testing.T) {
	t.Parallel()
	svc, ls := bulkLeads(t, 2)
	for v, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		_, err := svc.Move(t.Context(), "seed", ls[0].ID(), int64(v+1), to)
		require.NoError(t, err)
	}
	picked := []leads.Seen{{ID: ls[0].ID(), Version: 3}, {ID: ls[1].ID(), Version: 1}}

	r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toStatus(lead.StatusConverted)})

	require.NoError(t, err)
	assert.Equal(t, []leads.BulkResult{leads.BulkRefused, leads.BulkRefused}, results(r))
	assert.Equal(t, "A lead is converted from its Convert page, which creates the contact and the deal in the same step.", r.Outcomes[0].Message)
	assert.Equal(t, "Cannot move from NEW to CONVERTED.", r.Outcomes[1].Message)
	assert.Equal(t, int64(3), current(t, svc, ls[0].ID()).Version(), "nothing written")
}

func TestBulk_SentTwiceWritesOnce(t *testing.T) {
	t.Parallel()
	svc, ls := bulkLeads(t, 2)
	b := leads.Bulk{By: "john", Leads: seen(ls...), Change: toSource("Fair")}
	_, err := svc.Bulk(t.Context(), b)
	require.NoError(t, err)

	r, err := svc.Bulk(t.Context(), b)

	require.NoError(t, err)
	assert.Equal(t, []leads.BulkResult{leads.BulkUnchanged, leads.BulkUnchanged}, results(r))
	assert.Equal(t, int64(2), current(t, svc, ls[0].ID()).Version())
}

func TestBulk_AllLeadsMatchingAView(t *testing.T) {
	t.Parallel()

	t.Run("pages through the whole view, at the versions read, keeping those the rep saw", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 450) // more than two pages of record.MaxPageSize
		ctx := t.Context()
		f := ls[0].Fields()
		f.Source = "Fair" // out of the view
		_, err := svc.Save(ctx, "seed", ls[0].ID(), 1, f)
		require.NoError(t, err)
		// john saw ls[1] at version 1; maria moved it since.
		_, err = svc.Move(ctx, "maria", ls[1].ID(), 1, lead.StatusContacted)
		require.NoError(t, err)
		// ls[2] was saved since the page was read, on another field.
		f = ls[2].Fields()
		f.Score = 99
		_, err = svc.Save(ctx, "maria", ls[2].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(ctx, leads.Bulk{By: "john", Leads: seen(ls[1]), View: &leads.ListQuery{Source: "Web"},
			Change: toStatus(lead.StatusLost)})

		require.NoError(t, err)
		require.Len(t, r.Outcomes, 449, "every lead of the view once; the one out of it left alone")
		assert.Equal(t, ls[1].ID(), r.Outcomes[0].ID, "picked leads first")
		assert.Equal(t, leads.BulkConflict, r.Outcomes[0].Result, "at the version john saw")
		assert.Equal(t, 448, r.Count(leads.BulkChanged), "the rest, ls[2] on the version read now")
		assert.Equal(t, lead.StatusNew, current(t, svc, ls[0].ID()).Status())
		got := current(t, svc, ls[2].ID())
		assert.Equal(t, lead.StatusLost, got.Status())
		assert.Equal(t, 99, got.Fields().Score)
		p, err := svc.List(ctx, leads.ListQuery{Status: lead.StatusLost, Paging: leadsPage(500)})
		require.NoError(t, err)
		assert.Len(t, p.Items, 200, "a page of them")
	})
	t.Run("moving leads out of the view as it goes misses none", func(t *testing.T) {
		t.Parallel()
		svc, _ := bulkLeads(t, 410)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", View: &leads.ListQuery{Status: lead.StatusNew,
			Sort: leads.Sort{By: leads.SortUpdated, Asc: true}}, Change: toStatus(lead.StatusContacted)})

		require.NoError(t, err)
		assert.Equal(t, 410, r.Count(leads.BulkChanged))
		counts, err := svc.CountByStatus(t.Context())
		require.NoError(t, err)
		assert.Equal(t, 410, counts[lead.StatusContacted])
	})
	t.Run("refuses a view of more than MaxBulk leads and changes nothing", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, leads.MaxBulk+1)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", View: &leads.ListQuery{}, Change: toSource("Fair")})

		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, "A bulk change writes at most 10,000 leads, and this one has more: narrow the view (a status, a source, a search) "+
			"or pick fewer. Nothing was changed.", rule.Message)
		assert.Empty(t, r.Outcomes)
		for _, l := range []*lead.Lead{ls[0], ls[len(ls)-1]} {
			assert.Equal(t, int64(1), current(t, svc, l.ID()).Version())
		}
		sources, err := svc.Sources(t.Context())
		require.NoError(t, err)
		assert.Equal(t, []string{"Web"}, sources)
	})
	t.Run("takes a view of exactly MaxBulk leads", func(t *testing.T) {
		t.Parallel()
		svc, _ := bulkLeads(t, leads.MaxBulk)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", View: &leads.ListQuery{}, Change: toSource("Fair")})

		require.NoError(t, err)
		assert.Equal(t, leads.MaxBulk, r.Count(leads.BulkChanged))
	})
}

func TestBulk_RefusesWhatIsNotOneValidChange(t *testing.T) {
	t.Parallel()
	svc, ls := bulkLeads(t, 1)
	long := strings.Repeat("x", lead.MaxTextLen+1)
	for _, tc := range []struct {
		name    string
		bulk    leads.Bulk
		field   string
		message string
	}{
		{"no change", leads.Bulk{Leads: seen(ls...)}, leads.BulkFieldChange, "Choose a change: a status to move to, a source or an owner to set."},
		{"two changes", leads.Bulk{Leads: seen(ls...), Change: leads.Change{Status: lead.StatusLost, Source: new("Fair")}},
			leads.BulkFieldChange, "Choose one change: a status, a source or an owner, not more."},
		{"a source too long", leads.Bulk{Leads: seen(ls...), Change: toSource(long)}, lead.FieldSource, "Source is 201 characters; the limit is 200."},
		{"an unknown status", leads.Bulk{Leads: seen(ls...), Change: toStatus("WON")}, lead.FieldStatus, `"WON" is not a status; use one of NEW, CONTACTED, QUALIFIED, CONVERTED, LOST.`},
		{"no lead", leads.Bulk{Change: toSource("Fair")}, leads.BulkFieldLeads, "Pick at least one lead."},
		{"a lead twice", leads.Bulk{Leads: append(seen(ls...), seen(ls...)...), Change: toSource("Fair")}, leads.BulkFieldLeads,
			fmt.Sprintf("Lead %d is listed more than once.", ls[0].ID())},
		{"version 0", leads.Bulk{Leads: []leads.Seen{{ID: ls[0].ID()}}, Change: toSource("Fair")}, leads.BulkFieldLeads,
			fmt.Sprintf("Lead %d at version 0 does not name a lead as saved: ids and versions start at 1.", ls[0].ID())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.bulk.By = "john"

			_, err := svc.Bulk(t.Context(), tc.bulk)

			var invalid *domain.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tc.message, invalid.For(tc.field))
		})
	}
	assert.Equal(t, int64(1), current(t, svc, ls[0].ID()).Version(), "nothing written")
}

// failingLeads is a lead store that stops answering, as a database that
// goes away does, once it has written after writes.
type failingLeads struct {
	*memory.Leads
	after  int32
	writes atomic.Int32
}

func (f *failingLeads) Update(ctx context.Context, id, version int64, apply func(*lead.Lead) (bool, error)) (*lead.Lead, error) {
	if f.writes.Add(1) > f.after {
		return nil, fmt.Errorf("update lead %d: %w", id, domain.ErrUnavailable)
	}
	return f.Leads.Update(ctx, id, version, apply)
}

func TestBulk_StopsWhenTheDatabaseGoesAwayAndSaysWhatItDid(t *testing.T) {
	t.Parallel()
	store := memory.New().Leads
	ls := createLeads(t, leads.NewService(store), 5)
	svc := leads.NewService(&failingLeads{Leads: store, after: 2})

	r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(ls...), Change: toStatus(lead.StatusLost)})

	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.Equal(t, []leads.BulkResult{leads.BulkChanged, leads.BulkChanged}, results(r), "what was done")
	assert.Equal(t, &leads.Seen{ID: ls[2].ID(), Version: 1}, r.Stopped, "the lead it was writing")
	assert.Equal(t, 2, r.Untouched)
	for i, l := range ls {
		want := lead.StatusNew
		if i < 2 {
			want = lead.StatusLost
		}
		assert.Equal(t, want, current(t, leads.NewService(store), l.ID()).Status(), "lead %d", i)
	}
}

// convertedLead makes l QUALIFIED with a score of 90, then converts it
// in store as the conversion use case does, and returns it as stored.
func convertedLead(t *testing.T, store *memory.Leads, svc *leads.Service, l *lead.Lead) *lead.Lead {
	t.Helper()
	ctx := t.Context()
	f := l.Fields()
	f.Score = 90
	saved, err := svc.Save(ctx, "seed", l.ID(), l.Version(), f)
	require.NoError(t, err)
	v := saved.Record.Version()
	for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		moved, err := svc.Move(ctx, "seed", l.ID(), v, to)
		require.NoError(t, err)
		v = moved.Record.Version()
	}
	converted, err := store.Update(ctx, l.ID(), v, func(l *lead.Lead) (bool, error) { return true, l.Convert(1, 1, "seed") })
	require.NoError(t, err)
	return converted
}

func leadsPage(n int) record.Paging { return record.Paging{Limit: n} }

func toOwner(id int64) leads.Change { return leads.Change{Owner: &id} }

func TestBulk_OwnerIsAFieldLikeTheSource(t *testing.T) {
	t.Parallel()

	t.Run("gives each lead to the rep, merging with other fields saved since", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 2)
		picked := seen(ls...)
		f := ls[0].Fields()
		f.Score = 80
		_, err := svc.Save(t.Context(), "maria", ls[0].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toOwner(7)})

		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkMerged, leads.BulkChanged}, results(r))
		assert.Equal(t, lead.Fields{Name: "Lead 1", Source: "Web", Score: 80, Owner: 7}, current(t, svc, ls[0].ID()).Fields(), "both reps' changes")
		assert.Equal(t, int64(7), current(t, svc, ls[1].ID()).Fields().Owner)
	})
	t.Run("is a conflict when another rep gave the lead to someone else since", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		picked := seen(ls...)
		f := ls[0].Fields()
		f.Owner = 3
		_, err := svc.Save(t.Context(), "maria", ls[0].ID(), 1, f)
		require.NoError(t, err)

		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: picked, Change: toOwner(7)})

		require.NoError(t, err)
		assert.Equal(t, leads.BulkOutcome{ID: ls[0].ID(), Name: "Lead 1", Seen: 1, Result: leads.BulkConflict, Version: 2,
			By: "maria", Fields: []string{lead.FieldOwner}, Now: "3"}, r.Outcomes[0])
		assert.Equal(t, int64(3), current(t, svc, ls[0].ID()).Fields().Owner, "maria's choice stands")
	})
	t.Run("to nobody, and nothing to write for a lead nobody has", func(t *testing.T) {
		t.Parallel()
		svc, ls := bulkLeads(t, 1)
		r, err := svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(ls...), Change: toOwner(7)})
		require.NoError(t, err)
		require.Equal(t, []leads.BulkResult{leads.BulkChanged}, results(r))

		r, err = svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(current(t, svc, ls[0].ID())), Change: toOwner(0)})
		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkChanged}, results(r))
		l := current(t, svc, ls[0].ID())
		assert.Zero(t, l.Fields().Owner)

		r, err = svc.Bulk(t.Context(), leads.Bulk{By: "john", Leads: seen(l), Change: toOwner(0)})
		require.NoError(t, err)
		assert.Equal(t, []leads.BulkResult{leads.BulkUnchanged}, results(r))
	})
}
