package postgres_test

// Saves of one lead that race each other on PostgreSQL: under READ
// COMMITTED, with row locks, whatever lands between a read and its
// compare-and-swap.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/conflict"
	"crm/usecase/leads"
	"crm/usecase/record"
)

func TestSave_SevenRepsChangingDifferentFieldsFromOneVersionAllLand(t *testing.T) {
	t.Parallel()
	repo := postgres.NewLeadRepository(pgtest.New(t).Pool)
	svc := leads.NewService(repo)
	const rounds = 5
	for round := range rounds {
		l := create(t, repo, ada())
		start := l.Fields()
		changes := []func(*lead.Fields){
			func(f *lead.Fields) { f.Name = "Augusta Ada King" },
			func(f *lead.Fields) { f.Email = "countess@lovelace.org" },
			func(f *lead.Fields) { f.Company = "Babbage & Co" },
			func(f *lead.Fields) { f.Phone = "+44 20 7000 0000" },
			func(f *lead.Fields) { f.Source = "Royal Society" },
			func(f *lead.Fields) { f.Score = 93 },
			func(f *lead.Fields) { f.Notes = "Wrote the first program." },
		}
		results := make([]record.Saved[*lead.Lead], len(changes))
		errs := make([]error, len(changes))
		atOnce(len(changes), func(i int) {
			f := start
			changes[i](&f)
			results[i], errs[i] = svc.Save(context.Background(), fmt.Sprintf("rep%d", i), l.ID(), 1, f)
		})

		merged := 0
		for i, err := range errs {
			require.NoError(t, err, "round %d: rep %d", round, i)
			if results[i].Merge != nil {
				merged++
			}
		}
		final, err := repo.Get(t.Context(), l.ID())
		require.NoError(t, err)
		want := start
		for _, change := range changes {
			change(&want)
		}
		assert.Equal(t, want, final.Fields(), "round %d: every rep's change is in the lead", round)
		assert.Equal(t, int64(8), final.Version(), "round %d: seven saves, seven versions", round)
		assert.Equal(t, len(changes)-1, merged, "round %d: all but the first were merged", round)
	}
}

func TestSave_TwentyRepsChangingTheSameFieldFromOneVersion(t *testing.T) {
	t.Parallel()
	repo := postgres.NewLeadRepository(pgtest.New(t).Pool)
	svc := leads.NewService(repo)
	l := create(t, repo, ada())
	const reps = 20
	errs := make([]error, reps)
	atOnce(reps, func(i int) {
		f := l.Fields()
		f.Score = i + 1 // everyone types a different score
		_, errs[i] = svc.Save(context.Background(), fmt.Sprintf("rep%d", i), l.ID(), 1, f)
	})

	final, err := repo.Get(t.Context(), l.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(2), final.Version(), "exactly one save landed")
	winner := final.Fields().Score
	conflicts := 0
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, i+1, winner, "the one success is the score in the lead")
			continue
		}
		var c *conflict.Error[*lead.Lead, lead.Fields]
		require.ErrorAs(t, err, &c, "rep %d", i)
		conflicts++
		assert.Equal(t, []string{lead.FieldScore}, c.Compare.Conflicts, "rep %d", i)
		assert.Equal(t, winner, c.Current.Fields().Score, "rep %d: theirs is the winner's score", i)
		assert.Equal(t, i+1, c.Yours.Score, "rep %d: yours is what they typed", i)
		assert.Equal(t, 70, c.Base.Fields().Score, "rep %d: the base is where everyone started", i)
		assert.Equal(t, int64(1), c.Lock.Expected)
		assert.Equal(t, int64(2), c.Lock.Actual)
	}
	assert.Equal(t, reps-1, conflicts)
}

// TestLeadRepository_SaveThatWaitsOnAConcurrentWriterReportsItsVersion is the
// READ COMMITTED case a single UPDATE-plus-fallback-SELECT statement gets
// wrong: the compare-and-swap blocks on a writer that commits later, and the
// conflict must report the version that writer committed, not the old one.
func TestLeadRepository_SaveThatWaitsOnAConcurrentWriterReportsItsVersion(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewLeadRepository(db.Pool)
	id := create(t, repo, ada()).ID()
	committed := make(chan error, 1)

	_, err := repo.Update(t.Context(), id, 1, func(l *lead.Lead) (bool, error) {
		tx, err := db.Pool.Begin(t.Context())
		require.NoError(t, err)
		_, err = tx.Exec(t.Context(), `UPDATE leads SET score = 90, version = version + 1 WHERE id = $1`, id)
		require.NoError(t, err)
		go func() {
			time.Sleep(300 * time.Millisecond) // long enough for the CAS to block on the row
			committed <- tx.Commit(context.Background())
		}()
		return setScore(10, "bruno")(l)
	})

	require.NoError(t, <-committed)
	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, int64(1), lockErr.Expected)
	assert.Equal(t, int64(2), lockErr.Actual)
}
