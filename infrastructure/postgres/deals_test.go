package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/deals"
)

// dealFixture is a fresh database with a deal repository and one contact,
// inserted with plain SQL so these tests do not depend on the contact code.
type dealFixture struct {
	repo    *postgres.DealRepository
	pool    *pgxpool.Pool
	contact int64
}

func newDealFixture(t *testing.T) dealFixture {
	t.Helper()
	db := pgtest.New(t)
	return dealFixture{repo: postgres.NewDealRepository(db.Pool), pool: db.Pool, contact: insertContactRow(t, db.Pool, "Ada Lovelace")}
}

func insertContactRow(t *testing.T, pool *pgxpool.Pool, name string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(t.Context(), `INSERT INTO contacts (name) VALUES ($1) RETURNING id`, name).Scan(&id))
	return id
}

func engines() deal.Fields {
	return deal.Fields{Title: "Analytical Engine", Amount: deal.Money{Minor: 125000, Currency: "EUR"}}
}

func (fx dealFixture) create(t *testing.T, f deal.Fields) *deal.Deal {
	t.Helper()
	return fx.createFor(t, fx.contact, 0, f)
}

func (fx dealFixture) createFor(t *testing.T, contactID, leadID int64, f deal.Fields) *deal.Deal {
	t.Helper()
	d, err := deal.New(f, contactID, leadID, "ana")
	require.NoError(t, err)
	created, err := fx.repo.Create(t.Context(), d)
	require.NoError(t, err)
	assert.Empty(t, d.DomainEvents(), "stored events are cleared")
	return created
}

// setAmount is an apply closure that edits the amount as the use case would.
func setAmount(minor int64, by string) func(*deal.Deal) (bool, error) {
	return func(d *deal.Deal) (bool, error) {
		f := d.Fields()
		f.Amount.Minor = minor
		changed, err := d.Edit(f, by)
		return len(changed) > 0, err
	}
}

func moveDealTo(to deal.Stage, by string) func(*deal.Deal) (bool, error) {
	return func(d *deal.Deal) (bool, error) { return true, d.MoveTo(to, by) }
}

// dealEvent is one activity row as the tests compare it.
type dealEvent struct {
	Kind    string           `db:"aggregate_kind"`
	Version int64            `db:"version"`
	Event   string           `db:"event"`
	Actor   string           `db:"actor"`
	Changes []domain.Change  `db:"changes"`
	Refs    map[string]int64 `db:"refs"`
}

// dealActivity reads deal id's rows of activity straight from the table,
// oldest first.
func dealActivity(t *testing.T, pool *pgxpool.Pool, id int64) []dealEvent {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT aggregate_kind, version, event, actor, changes, refs FROM activity
		WHERE aggregate_kind = 'deal' AND aggregate_id = $1 ORDER BY id`, id)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[dealEvent])
	require.NoError(t, err)
	return got
}

func dealIDs(ds []*deal.Deal) []int64 {
	var out []int64
	for _, d := range ds {
		out = append(out, d.ID())
	}
	return out
}

func TestDealRepository_CreateThenGetReturnsTheStoredDeal(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)

	created := fx.create(t, engines())

	assert.Positive(t, created.ID())
	assert.Equal(t, int64(1), created.Version())
	assert.False(t, created.CreatedAt().IsZero())
	assert.Equal(t, engines(), created.Fields())
	assert.Equal(t, deal.StageOpen, created.Stage())
	assert.Equal(t, fx.contact, created.ContactID())
	assert.Zero(t, created.LeadID(), "no lead is stored as NULL and read back as 0")
	assert.Equal(t, "ana", created.UpdatedBy())
	got, err := fx.repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot())
	var leadID *int64
	require.NoError(t, fx.pool.QueryRow(t.Context(), `SELECT lead_id FROM deals WHERE id = $1`, created.ID()).Scan(&leadID))
	assert.Nil(t, leadID)
}

func TestDealRepository_ADealConvertedFromALeadKeepsItsLead(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	var leadID int64
	require.NoError(t, fx.pool.QueryRow(t.Context(), `INSERT INTO leads (name, score) VALUES ('Ada', 90) RETURNING id`).Scan(&leadID))

	created := fx.createFor(t, fx.contact, leadID, engines())

	assert.Equal(t, leadID, created.LeadID())
	assert.Equal(t, []dealEvent{{Kind: "deal", Version: 1, Event: deal.EventCreated, Actor: "ana",
		Changes: []domain.Change{{Field: "title", New: "Analytical Engine"}, {Field: "amount", New: "1250.00 EUR"}},
		Refs:    map[string]int64{"contact": fx.contact, "lead": leadID}}}, dealActivity(t, fx.pool, created.ID()))

	t.Run("a second deal for the same lead is refused", func(t *testing.T) {
		d, err := deal.New(engines(), fx.contact, leadID, "ana")
		require.NoError(t, err)
		_, err = fx.repo.Create(t.Context(), d)
		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, "This lead already has a deal.", rule.Message)
	})
}

func TestDealRepository_AContactOrLeadThatDoesNotExistIsAValidationError(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	tests := []struct {
		name              string
		contactID, leadID int64
		field, message    string
	}{
		{"an unknown contact", 424242, 0, deal.FieldContact, "The contact does not exist."},
		{"an unknown lead", fx.contact, 424242, deal.FieldLead, "The lead does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := deal.New(engines(), tt.contactID, tt.leadID, "ana")
			require.NoError(t, err)

			_, err = fx.repo.Create(t.Context(), d)

			var v *domain.ValidationError
			require.ErrorAs(t, err, &v, "a refusal the rep can act on, not a 500")
			assert.Equal(t, tt.message, v.For(tt.field))
		})
	}
	var n int
	require.NoError(t, fx.pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM deals) + (SELECT count(*) FROM activity)`).Scan(&n))
	assert.Zero(t, n, "nothing is stored, events included")
}

func TestDealRepository_MissingDealIsNotFound(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)

	_, err := fx.repo.Get(t.Context(), 424242)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = fx.repo.Version(t.Context(), 424242, 1)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = fx.repo.Update(t.Context(), 424242, 1, func(*deal.Deal) (bool, error) {
		t.Error("apply called for a missing deal")
		return true, nil
	})
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

// TestDealRepository_StaleReaderLosesAndTheWinnerIsKept is the first seed's
// scenario: two reps open the deal at version 1, both save; the second save
// must not overwrite the first.
func TestDealRepository_StaleReaderLosesAndTheWinnerIsKept(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	id := fx.create(t, engines()).ID()
	first, err := fx.repo.Get(t.Context(), id)
	require.NoError(t, err)
	second, err := fx.repo.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, int64(1), first.Version())
	require.Equal(t, int64(1), second.Version())

	_, err = fx.repo.Update(t.Context(), id, first.Version(), setAmount(99900, "ana"))
	require.NoError(t, err)
	_, err = fx.repo.Update(t.Context(), id, second.Version(), func(*deal.Deal) (bool, error) {
		t.Error("apply called for a stale version")
		return true, nil
	})

	var lockErr *domain.OptimisticLockError
	require.ErrorAs(t, err, &lockErr)
	assert.Equal(t, domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	got, err := fx.repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(99900), got.Fields().Amount.Minor, "the first change is kept")
	assert.Equal(t, "ana", got.UpdatedBy())
	assert.Equal(t, int64(2), got.Version())
}

func TestDealRepository_SaveThatLandsAfterTheReadWins(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	id := fx.create(t, engines()).ID()

	_, err := fx.repo.Update(t.Context(), id, 1, func(d *deal.Deal) (bool, error) {
		_, err := fx.repo.Update(t.Context(), id, 1, moveDealTo(deal.StageLost, "ana"))
		require.NoError(t, err)
		return setAmount(1, "bruno")(d)
	})

	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	got, err := fx.repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, deal.StageLost, got.Stage())
	assert.Equal(t, engines(), got.Fields())
	assert.Len(t, dealActivity(t, fx.pool, id), 2, "created and moved; the lost save left no event")
}

func TestDealRepository_ConcurrentSavesFromOneVersionLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	const savers = 10
	for round := range 20 {
		id := fx.create(t, engines()).ID()
		start := make(chan struct{})
		errs := make([]error, savers)
		saved := make([]*deal.Deal, savers)
		var wg sync.WaitGroup
		for i := range savers {
			wg.Go(func() {
				<-start
				apply := setAmount(int64(i), fmt.Sprintf("rep%d", i))
				if i%3 == 0 {
					apply = moveDealTo(deal.StageWon, fmt.Sprintf("rep%d", i))
				}
				saved[i], errs[i] = fx.repo.Update(t.Context(), id, 1, apply)
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "round %d: savers %d and %d both won", round, winner, i)
				winner = i
				continue
			}
			lockErr, ok := domain.AsOptimisticLock(err)
			require.True(t, ok, "round %d, saver %d: want an optimistic-lock error, got %v", round, i, err)
			assert.Equal(t, domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
		}
		require.NotEqual(t, -1, winner, "round %d: nobody won", round)
		got, err := fx.repo.Get(t.Context(), id)
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version())
		assert.Equal(t, saved[winner].Snapshot(), got.Snapshot(), "the winner's save is what is stored")
		events := dealActivity(t, fx.pool, id)
		require.Len(t, events, 2, "round %d: the creation and the winner's event only", round)
		assert.Equal(t, fmt.Sprintf("rep%d", winner), events[1].Actor)
		assert.Equal(t, int64(2), events[1].Version)
	}
}

func TestDealRepository_EveryCommittedSaveHasExactlyItsEvents(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	id := fx.create(t, engines()).ID()

	_, err := fx.repo.Update(t.Context(), id, 1, func(d *deal.Deal) (bool, error) {
		changed, err := d.Edit(deal.Fields{Title: "Two engines", Amount: deal.Money{Minor: 250000, Currency: "GBP"}}, "bruno")
		return len(changed) > 0, err
	})
	require.NoError(t, err)
	_, err = fx.repo.Update(t.Context(), id, 2, moveDealTo(deal.StageLost, "carla"))
	require.NoError(t, err)
	_, err = fx.repo.Update(t.Context(), id, 3, setAmount(250000, "dan"))
	require.NoError(t, err, "a save that changes nothing")
	_, err = fx.repo.Update(t.Context(), id, 2, setAmount(1, "erin"))
	require.True(t, domain.IsOptimisticLock(err), "a stale save")
	_, err = fx.repo.Update(t.Context(), id, 3, func(d *deal.Deal) (bool, error) {
		_, _ = d.Edit(deal.Fields{Title: "Recorded, then refused", Amount: engines().Amount}, "finn")
		return true, d.MoveTo(deal.StageWon, "finn")
	})
	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule, "a save whose apply fails: LOST cannot go straight to WON")

	want := []dealEvent{
		{Kind: "deal", Version: 1, Event: deal.EventCreated, Actor: "ana", Changes: []domain.Change{
			{Field: deal.FieldTitle, New: "Analytical Engine"}, {Field: deal.FieldAmount, New: "1250.00 EUR"},
		}, Refs: map[string]int64{"contact": fx.contact}},
		{Kind: "deal", Version: 2, Event: deal.EventUpdated, Actor: "bruno", Changes: []domain.Change{
			{Field: deal.FieldTitle, Old: "Analytical Engine", New: "Two engines"},
			{Field: deal.FieldAmount, Old: "1250.00 EUR", New: "2500.00 GBP"},
		}, Refs: map[string]int64{}},
		{Kind: "deal", Version: 3, Event: deal.EventStageChanged, Actor: "carla", Changes: []domain.Change{
			{Field: deal.FieldStage, Old: "OPEN", New: "LOST"},
		}, Refs: map[string]int64{}},
	}
	assert.Equal(t, want, dealActivity(t, fx.pool, id), "no event for the unchanged, stale or refused saves")
	got, err := fx.repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version())
	assert.Equal(t, "carla", got.UpdatedBy())

	history, err := fx.repo.History(t.Context(), id)
	require.NoError(t, err)
	require.Len(t, history, len(want))
	for i, h := range history {
		w := want[len(want)-1-i] // newest first
		assert.Equal(t, deal.Kind, h.Kind)
		assert.Equal(t, id, h.AggregateID)
		assert.Equal(t, w.Version, h.Version)
		assert.Equal(t, w.Event, h.Name)
		assert.Equal(t, w.Changes, h.Changes)
		assert.WithinDuration(t, time.Now(), h.At, time.Minute)
	}
}

func TestDealRepository_VersionReadsEverySavedVersion(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	created := fx.create(t, engines())
	second, err := fx.repo.Update(t.Context(), created.ID(), 1, setAmount(5, "bruno"))
	require.NoError(t, err)
	third, err := fx.repo.Update(t.Context(), created.ID(), 2, moveDealTo(deal.StageWon, "carla"))
	require.NoError(t, err)

	for _, want := range []*deal.Deal{created, second, third} {
		got, err := fx.repo.Version(t.Context(), created.ID(), want.Version())
		require.NoError(t, err)
		assert.Equal(t, want.Snapshot(), got.Snapshot())
	}
	_, err = fx.repo.Version(t.Context(), created.ID(), 4)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func TestDealRepository_ListPagesNewestFirstByStage(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	other := insertContactRow(t, fx.pool, "Grace Hopper")
	var all, won []int64
	for i := range 7 {
		contactID := fx.contact
		if i%2 == 1 {
			contactID = other
		}
		d := fx.createFor(t, contactID, 0, deal.Fields{Title: fmt.Sprintf("Deal %d", i), Amount: engines().Amount})
		if i%3 == 0 {
			_, err := fx.repo.Update(t.Context(), d.ID(), 1, moveDealTo(deal.StageWon, "bruno"))
			require.NoError(t, err)
			won = append([]int64{d.ID()}, won...)
		}
		all = append([]int64{d.ID()}, all...) // newest first
	}

	t.Run("every stage, in pages of three without gaps or duplicates", func(t *testing.T) {
		var got []int64
		q := deals.ListQuery{Limit: 3}
		for pages := 1; ; pages++ {
			require.LessOrEqual(t, pages, 3)
			page, err := fx.repo.List(t.Context(), q)
			require.NoError(t, err)
			got = append(got, dealIDs(page.Deals)...)
			names := map[int64]string{}
			for _, d := range page.Deals {
				names[d.ContactID()] = map[int64]string{fx.contact: "Ada Lovelace", other: "Grace Hopper"}[d.ContactID()]
			}
			assert.Equal(t, names, page.ContactNames, "the names of the page's contacts")
			if page.Next == 0 {
				assert.Equal(t, 3, pages)
				assert.Len(t, page.Deals, 1)
				break
			}
			assert.Len(t, page.Deals, 3)
			assert.Equal(t, page.Deals[2].ID(), page.Next)
			q.After = page.Next
		}
		assert.Equal(t, all, got)
	})
	t.Run("one stage", func(t *testing.T) {
		page, err := fx.repo.List(t.Context(), deals.ListQuery{Stage: deal.StageWon, Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, won[:2], dealIDs(page.Deals))
		page, err = fx.repo.List(t.Context(), deals.ListQuery{Stage: deal.StageWon, After: page.Next, Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, won[2:], dealIDs(page.Deals))
		assert.Zero(t, page.Next, "exactly the last page has no next")
	})
	t.Run("no deals in a stage is an empty page", func(t *testing.T) {
		page, err := fx.repo.List(t.Context(), deals.ListQuery{Stage: deal.StageLost})
		require.NoError(t, err)
		assert.Empty(t, page.Deals)
		assert.Empty(t, page.ContactNames)
		assert.Zero(t, page.Next)
	})
}

func TestDealRepository_ListByContact(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	other := insertContactRow(t, fx.pool, "Grace Hopper")
	nobody := insertContactRow(t, fx.pool, "Nobody")
	var mine, theirs []int64
	for i := range 5 {
		if i%2 == 0 {
			mine = append([]int64{fx.create(t, engines()).ID()}, mine...)
		} else {
			theirs = append([]int64{fx.createFor(t, other, 0, engines()).ID()}, theirs...)
		}
	}

	got, err := fx.repo.ListByContact(t.Context(), fx.contact)
	require.NoError(t, err)
	assert.Equal(t, mine, dealIDs(got), "newest first")
	got, err = fx.repo.ListByContact(t.Context(), other)
	require.NoError(t, err)
	assert.Equal(t, theirs, dealIDs(got))
	got, err = fx.repo.ListByContact(t.Context(), nobody)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestDealRepository_overATransactionRollsBackWithIt(t *testing.T) {
	t.Parallel()
	fx := newDealFixture(t)
	tx, err := fx.pool.Begin(t.Context())
	require.NoError(t, err)
	d, err := deal.New(engines(), fx.contact, 0, "ana")
	require.NoError(t, err)

	created, err := postgres.DealRepositoryOn(tx).Create(t.Context(), d)
	require.NoError(t, err)
	_, err = postgres.DealRepositoryOn(tx).Create(t.Context(), mustNewDeal(t, 424242))
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v, "a refused insert inside a unit of work")
	inside, err := postgres.DealRepositoryOn(tx).Get(t.Context(), created.ID())
	require.NoError(t, err, "the transaction survives the refusal and sees its own deal")
	require.NoError(t, tx.Rollback(t.Context()))

	assert.Equal(t, created.Snapshot(), inside.Snapshot())
	_, err = fx.repo.Get(t.Context(), created.ID())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Empty(t, dealActivity(t, fx.pool, created.ID()))
}

func mustNewDeal(t *testing.T, contactID int64) *deal.Deal {
	t.Helper()
	d, err := deal.New(engines(), contactID, 0, "ana")
	require.NoError(t, err)
	return d
}
