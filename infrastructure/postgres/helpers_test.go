package postgres_test

// The helpers the PostgreSQL tests share. What every repository
// promises is checked for PostgreSQL and memory alike by the contract
// suites in infrastructure/contract; the tests here are those only
// PostgreSQL can have (the feed, migrations, a unit of work under load).

import (
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
)

func create(t *testing.T, repo *postgres.LeadRepository, f lead.Fields) *lead.Lead {
	t.Helper()
	l, err := lead.New(f, "ana")
	require.NoError(t, err)
	created, err := repo.Create(t.Context(), l)
	require.NoError(t, err)
	return created
}

func ada() lead.Fields {
	return lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Phone: "+44 20 7946 0000", Source: "Referral", Score: 70, Notes: "Met at the\nRoyal Society."}
}

// setScore is an apply closure that edits the score as the use case would.
func setScore(score int, by string) func(*lead.Lead) (bool, error) {
	return func(l *lead.Lead) (bool, error) {
		f := l.Fields()
		f.Score = score
		changed, err := l.Edit(f, by)
		return len(changed) > 0, err
	}
}

// insertContactRow stores a contact behind the repositories' back.
func insertContactRow(t *testing.T, pool *pgxpool.Pool, name string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(t.Context(), `INSERT INTO contacts (name) VALUES ($1) RETURNING id`, name).Scan(&id))
	return id
}

// moveDealTo is an apply closure that moves a deal as the use case would,
// on a day: a move to WON closes the deal today.
func moveDealTo(to deal.Stage, by string) func(*deal.Deal) (bool, error) {
	return func(d *deal.Deal) (bool, error) { return true, d.MoveTo(to, by, wonToday) }
}

// wonToday is the gate of a deal won today.
var wonToday = deal.Gate{ClosedOn: domain.DateOf(time.Now())}

// atOnce calls do(i) for every i below n, each on a goroutine of its own,
// all released together so that they race, and returns when all are done.
func atOnce(n int, do func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			do(i)
		})
	}
	close(start)
	wg.Wait()
}

// must returns v once t checked err: must(f())(t).
func must[V any](v V, err error) func(*testing.T) V {
	return func(t *testing.T) V {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}
