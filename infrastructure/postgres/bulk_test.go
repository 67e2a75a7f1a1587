package postgres_test

// Bulk changes of leads on PostgreSQL: each lead its own compare-and-swap
// through the use case, while other reps save the same leads.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/leads"
	"crm/usecase/record"
)

func TestBulk_EveryOutcomeOnPostgreSQL(t *testing.T) {
	t.Parallel()
	repo := postgres.NewLeadRepository(pgtest.New(t).Pool)
	svc := leads.NewService(repo)
	ctx := t.Context()
	ls := make([]*lead.Lead, 7)
	for i := range ls {
		ls[i] = create(t, repo, lead.Fields{Name: fmt.Sprintf("Lead %d", i+1), Source: "Web", Score: 50})
	}
	picked := make([]leads.Seen, len(ls)) // the page john read
	for i, l := range ls {
		picked[i] = leads.Seen{ID: l.ID(), Version: 1}
	}
	// Then, before john applies, maria saves ls[1]'s phone and ls[2]'s
	// source, moves ls[3] and ls[5] and deletes ls[4].
	f := ls[1].Fields()
	f.Phone = "+1 555 0100"
	must(svc.Save(ctx, "maria", ls[1].ID(), 1, f))(t)
	f = ls[2].Fields()
	f.Source = "Referral"
	must(svc.Save(ctx, "maria", ls[2].ID(), 1, f))(t)
	must(svc.Move(ctx, "maria", ls[3].ID(), 1, lead.StatusContacted))(t)
	must(svc.Delete(ctx, "maria", ls[4].ID(), 1))(t)
	must(svc.Move(ctx, "maria", ls[5].ID(), 1, lead.StatusLost))(t)

	r, err := svc.Bulk(ctx, leads.Bulk{By: "john", Leads: picked, Change: leads.Change{Source: new("Fair")}})
	require.NoError(t, err)
	got := make([]leads.BulkResult, len(r.Outcomes))
	for i, o := range r.Outcomes {
		got[i] = o.Result
	}
	assert.Equal(t, []leads.BulkResult{leads.BulkChanged, leads.BulkMerged, leads.BulkConflict, leads.BulkMerged,
		leads.BulkGone, leads.BulkMerged, leads.BulkChanged}, got, "a move since is no conflict for a source")
	assert.Equal(t, "Referral", must(repo.Get(ctx, ls[2].ID()))(t).Fields().Source)
	assert.Equal(t, "+1 555 0100", must(repo.Get(ctx, ls[1].ID()))(t).Fields().Phone)
	assert.Equal(t, "Fair", must(repo.Get(ctx, ls[1].ID()))(t).Fields().Source)

	r, err = svc.Bulk(ctx, leads.Bulk{By: "john", Leads: []leads.Seen{
		{ID: ls[0].ID(), Version: 2}, {ID: ls[3].ID(), Version: 1}, {ID: ls[4].ID(), Version: 2}, {ID: ls[6].ID(), Version: 2},
	}, Change: leads.Change{Status: lead.StatusConverted}})
	require.NoError(t, err)
	assert.Equal(t, leads.BulkRefused, r.Outcomes[0].Result)
	assert.Equal(t, "Cannot move from NEW to CONVERTED.", r.Outcomes[0].Message)
	assert.Equal(t, leads.BulkConflict, r.Outcomes[1].Result, "moved since version 1")
	assert.Equal(t, "CONTACTED", r.Outcomes[1].Now)
	assert.Equal(t, leads.BulkGone, r.Outcomes[2].Result)
	assert.Equal(t, "maria", r.Outcomes[2].By)
	assert.Equal(t, leads.BulkRefused, r.Outcomes[3].Result)
	assert.Equal(t, int64(2), must(repo.Get(ctx, ls[0].ID()))(t).Version(), "a refusal writes nothing")
}

// TestBulk_AViewOfManyPagesWhileOtherRepsSaveTheSameLeads changes every
// lead of a view of three pages while four reps save the scores of the
// same leads: each lead the change reports changed or merged has the new
// status, each lead it reports a conflict does not, and no rep's
// acknowledged score is lost.
func TestBulk_AViewOfManyPagesWhileOtherRepsSaveTheSameLeads(t *testing.T) {
	t.Parallel()
	repo := postgres.NewLeadRepository(pgtest.New(t).Pool)
	svc := leads.NewService(repo)
	ctx := context.Background()
	const n = 2*record.MaxPageSize + 50
	ls := make([]*lead.Lead, n)
	for i := range ls {
		ls[i] = create(t, repo, lead.Fields{Name: fmt.Sprintf("Lead %d", i+1), Source: "Web", Score: 0})
	}
	other := create(t, repo, lead.Fields{Name: "Elsewhere", Source: "Fair"})

	const reps = 4
	scores := make([]int, n) // the last score acknowledged per lead
	var wg sync.WaitGroup
	start := make(chan struct{})
	for rep := range reps {
		wg.Go(func() {
			<-start
			for round := 1; round <= 3; round++ {
				for i := rep; i < n; i += reps {
					l, err := repo.Get(ctx, ls[i].ID())
					if !assert.NoError(t, err) {
						return
					}
					f := l.Fields()
					f.Score = round * 10
					if _, err := svc.Save(ctx, fmt.Sprintf("rep%d", rep), l.ID(), l.Version(), f); err == nil {
						scores[i] = f.Score
					}
				}
			}
		})
	}
	close(start)
	r, err := svc.Bulk(ctx, leads.Bulk{By: "john", View: &leads.ListQuery{Source: "Web"}, Change: leads.Change{Status: lead.StatusLost}})
	wg.Wait()

	require.NoError(t, err)
	require.Len(t, r.Outcomes, n, "every lead of the view, once")
	t.Logf("%d changed, %d merged with a save made since the view was read", r.Count(leads.BulkChanged), r.Count(leads.BulkMerged))
	for i, o := range r.Outcomes {
		l := must(repo.Get(ctx, o.ID))(t)
		switch o.Result {
		case leads.BulkChanged, leads.BulkMerged:
			assert.Equal(t, lead.StatusLost, l.Status(), "outcome %d", i)
		default:
			t.Errorf("lead %d: %s; a save of the score never stops a move", o.ID, o.Result)
		}
	}
	for i, l := range ls {
		assert.Equal(t, scores[i], must(repo.Get(ctx, l.ID()))(t).Fields().Score, "rep's last acknowledged score of lead %d", i)
	}
	assert.Equal(t, lead.StatusNew, must(repo.Get(ctx, other.ID()))(t).Status(), "outside the view")
	counts := must(repo.CountByStatus(ctx))(t)
	assert.Equal(t, n, counts[lead.StatusLost], "the kept counts follow")
}

// BenchmarkBulk times the largest bulk change allowed, every lead of a
// view of leads.MaxBulk leads, and one of the 200 leads a rep might tick
// on a few pages of the list, reporting the time per lead; the view's
// change also says how long it takes in all.
func BenchmarkBulk(b *testing.B) {
	for _, bc := range []struct {
		name   string
		picked int // 0 for the whole view
	}{{"view of 10000", 0}, {"200 picked", 200}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := pgtest.New(b)
				_, err := postgres.Seed(b.Context(), db.Pool, leads.MaxBulk, nil)
				require.NoError(b, err)
				svc := leads.NewService(postgres.NewLeadRepository(db.Pool))
				bulk := leads.Bulk{By: "bench", View: &leads.ListQuery{}, Change: leads.Change{Source: new("Bench")}}
				if bc.picked > 0 {
					page, err := svc.List(b.Context(), leads.ListQuery{Paging: record.Paging{Limit: bc.picked}})
					require.NoError(b, err)
					bulk.View = nil
					for _, l := range page.Items {
						bulk.Leads = append(bulk.Leads, leads.Seen{ID: l.ID(), Version: l.Version()})
					}
				}
				b.StartTimer()
				start := time.Now()
				r, err := svc.Bulk(b.Context(), bulk)
				took := time.Since(start)
				require.NoError(b, err)
				require.Equal(b, len(r.Outcomes), r.Count(leads.BulkChanged))
				b.ReportMetric(float64(took.Microseconds())/1000/float64(len(r.Outcomes)), "ms/lead")
				b.ReportMetric(took.Seconds(), "s/change")
			}
		})
	}
}
