package postgres_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/contacts"
)

func newContactRepo(t *testing.T) (*postgres.ContactRepository, *pgxpool.Pool) {
	t.Helper()
	db := pgtest.New(t)
	return postgres.NewContactRepository(db.Pool), db.Pool
}

func createContact(t *testing.T, repo *postgres.ContactRepository, f contact.Fields) *contact.Contact {
	t.Helper()
	c, err := contact.New(f, "ana")
	require.NoError(t, err)
	created, err := repo.Create(t.Context(), c)
	require.NoError(t, err)
	assert.Empty(t, c.DomainEvents(), "stored events are cleared")
	return created
}

func grace() contact.Fields {
	return contact.Fields{Name: "Grace Hopper", Email: "grace@navy.mil", Phone: "+1 555 0100", Company: "US Navy"}
}

// setPhone is an apply closure that edits the phone as the use case would.
func setPhone(phone, by string) func(*contact.Contact) (bool, error) {
	return func(c *contact.Contact) (bool, error) {
		f := c.Fields()
		f.Phone = phone
		changed, err := c.Edit(f, by)
		return len(changed) > 0, err
	}
}

// storedEvent is one activity row as the tests compare it.
type storedEvent struct {
	Version int64           `db:"version"`
	Event   string          `db:"event"`
	Actor   string          `db:"actor"`
	Changes []domain.Change `db:"changes"`
}

// contactActivity reads contact id's rows of activity straight from the
// table, oldest first.
func contactActivity(t *testing.T, pool *pgxpool.Pool, id int64) []storedEvent {
	t.Helper()
	rows, err := pool.Query(t.Context(), `SELECT version, event, actor, changes FROM activity
		WHERE aggregate_kind = 'contact' AND aggregate_id = $1 ORDER BY id`, id)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[storedEvent])
	require.NoError(t, err)
	return got
}

func createdEvent(f contact.Fields) storedEvent {
	var changes []domain.Change
	for _, name := range contact.EditableFields {
		if v := f.Get(name); v != "" {
			changes = append(changes, domain.Change{Field: name, Old: "", New: v})
		}
	}
	return storedEvent{Version: 1, Event: contact.EventCreated, Actor: "ana", Changes: changes}
}

func TestContactRepository_CreateThenGetReturnsTheStoredContact(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)

	created := createContact(t, repo, grace())

	assert.Positive(t, created.ID())
	assert.Equal(t, int64(1), created.Version())
	assert.False(t, created.CreatedAt().IsZero())
	assert.Equal(t, "ana", created.UpdatedBy())
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot())
	assert.Equal(t, grace(), got.Fields())
	assert.Equal(t, []storedEvent{createdEvent(grace())}, contactActivity(t, pool, created.ID()))
}

func TestContactRepository_MissingContactIsNotFound(t *testing.T) {
	t.Parallel()
	repo, _ := newContactRepo(t)

	_, err := repo.Get(t.Context(), 424242)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = repo.Version(t.Context(), 424242, 1)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = repo.Update(t.Context(), 424242, 1, func(*contact.Contact) (bool, error) {
		t.Error("apply called for a missing contact")
		return true, nil
	})
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

// TestContactRepository_StaleReaderLosesAndTheFirstSaveIsKept is the first
// seed's lost-update scenario: two reps read version 1, both save.
func TestContactRepository_StaleReaderLosesAndTheFirstSaveIsKept(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)
	id := createContact(t, repo, grace()).ID()
	first, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	second, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, int64(1), first.Version())
	require.Equal(t, int64(1), second.Version())

	saved, err := repo.Update(t.Context(), id, first.Version(), setPhone("+1 555 0111", "ana"))
	require.NoError(t, err)
	_, err = repo.Update(t.Context(), id, second.Version(), setPhone("+1 555 0222", "bruno"))

	var lockErr *domain.OptimisticLockError
	require.ErrorAs(t, err, &lockErr)
	assert.Equal(t, domain.OptimisticLockError{Kind: contact.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version())
	assert.Equal(t, "+1 555 0111", got.Fields().Phone, "the first save is kept")
	assert.Equal(t, "ana", got.UpdatedBy())
	assert.Equal(t, saved.Snapshot(), got.Snapshot())
	events := contactActivity(t, pool, id)
	require.Len(t, events, 2, "created and the first save; the stale save wrote nothing")
	assert.Equal(t, storedEvent{Version: 2, Event: contact.EventUpdated, Actor: "ana",
		Changes: []domain.Change{{Field: contact.FieldPhone, Old: "+1 555 0100", New: "+1 555 0111"}}}, events[1])
}

func TestContactRepository_ConcurrentSavesFromOneVersionLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)
	const savers = 10
	for round := range 20 {
		id := createContact(t, repo, grace()).ID()
		start := make(chan struct{})
		errs := make([]error, savers)
		saved := make([]*contact.Contact, savers)
		var wg sync.WaitGroup
		for i := range savers {
			wg.Go(func() {
				<-start
				saved[i], errs[i] = repo.Update(t.Context(), id, 1, setPhone(fmt.Sprintf("+1 555 %04d", i), fmt.Sprintf("rep%d", i)))
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
			require.True(t, ok, "round %d saver %d: want an optimistic-lock error, got %v", round, i, err)
			assert.Equal(t, domain.OptimisticLockError{Kind: contact.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
		}
		require.NotEqual(t, -1, winner, "round %d: nobody won", round)
		got, err := repo.Get(t.Context(), id)
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version())
		assert.Equal(t, saved[winner].Snapshot(), got.Snapshot(), "the winner's save is what is stored")
		assert.Equal(t, []storedEvent{createdEvent(grace()), {Version: 2, Event: contact.EventUpdated, Actor: fmt.Sprintf("rep%d", winner),
			Changes: []domain.Change{{Field: contact.FieldPhone, Old: "+1 555 0100", New: fmt.Sprintf("+1 555 %04d", winner)}}}},
			contactActivity(t, pool, id), "round %d: only the winner's event is stored", round)
	}
}

func TestContactRepository_EveryCommittedSaveHasExactlyItsEvents(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)
	id := createContact(t, repo, grace()).ID()

	_, err := repo.Update(t.Context(), id, 1, func(c *contact.Contact) (bool, error) {
		f := c.Fields()
		f.Email, f.Company = "grace@yale.edu", "Yale"
		changed, err := c.Edit(f, "bruno")
		return len(changed) > 0, err
	})
	require.NoError(t, err)
	_, err = repo.Update(t.Context(), id, 2, setPhone("", "carla"))
	require.NoError(t, err)
	_, err = repo.Update(t.Context(), id, 3, setPhone("", "dan"))
	require.NoError(t, err, "a save that changes nothing")
	_, err = repo.Update(t.Context(), id, 2, setPhone("555 0199", "erin"))
	require.True(t, domain.IsOptimisticLock(err), "a stale save")
	_, err = repo.Update(t.Context(), id, 3, func(c *contact.Contact) (bool, error) {
		_, _ = c.Edit(contact.Fields{Name: "Recorded, then refused"}, "finn")
		return true, &domain.RuleError{Message: "No."}
	})
	require.Error(t, err, "a save whose apply fails")

	want := []storedEvent{
		createdEvent(grace()),
		{Version: 2, Event: contact.EventUpdated, Actor: "bruno", Changes: []domain.Change{
			{Field: contact.FieldEmail, Old: "grace@navy.mil", New: "grace@yale.edu"},
			{Field: contact.FieldCompany, Old: "US Navy", New: "Yale"},
		}},
		{Version: 3, Event: contact.EventUpdated, Actor: "carla", Changes: []domain.Change{
			{Field: contact.FieldPhone, Old: "+1 555 0100", New: ""},
		}},
	}
	assert.Equal(t, want, contactActivity(t, pool, id), "no event for the unchanged, stale or refused saves")
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version())
	assert.Equal(t, "carla", got.UpdatedBy())

	history, err := repo.History(t.Context(), id)
	require.NoError(t, err)
	require.Len(t, history, 3)
	for i, h := range history {
		w := want[len(want)-1-i] // newest first
		assert.Equal(t, contact.Kind, h.Kind)
		assert.Equal(t, id, h.AggregateID)
		assert.Equal(t, w.Version, h.Version)
		assert.Equal(t, w.Event, h.Name)
		assert.Equal(t, w.Actor, h.Actor)
		assert.Equal(t, w.Changes, h.Changes)
		assert.False(t, h.At.IsZero())
	}
}

func TestContactRepository_SaveThatLandsAfterTheReadWins(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)
	id := createContact(t, repo, grace()).ID()

	_, err := repo.Update(t.Context(), id, 1, func(c *contact.Contact) (bool, error) {
		_, err := repo.Update(t.Context(), id, 1, setPhone("555 0900", "ana"))
		require.NoError(t, err)
		return setPhone("555 0100", "bruno")(c)
	})

	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, domain.OptimisticLockError{Kind: contact.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, "555 0900", got.Fields().Phone)
	assert.Len(t, contactActivity(t, pool, id), 2, "the losing save's event was rolled back with it")
}

func TestContactRepository_SaveOfUnchangedFieldsKeepsTheVersion(t *testing.T) {
	t.Parallel()
	repo, _ := newContactRepo(t)
	created := createContact(t, repo, grace())

	saved, err := repo.Update(t.Context(), created.ID(), 1, func(c *contact.Contact) (bool, error) {
		changed, err := c.Edit(grace(), "bruno")
		return len(changed) > 0, err
	})

	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), saved.Snapshot())
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot(), "updated_by and updated_at untouched too")
}

func TestContactRepository_VersionReadsEverySavedVersion(t *testing.T) {
	t.Parallel()
	repo, _ := newContactRepo(t)
	id := createContact(t, repo, grace()).ID()
	second, err := repo.Update(t.Context(), id, 1, setPhone("555 0200", "bruno"))
	require.NoError(t, err)
	_, err = repo.Update(t.Context(), id, 2, setPhone("555 0300", "carla"))
	require.NoError(t, err)

	v1, err := repo.Version(t.Context(), id, 1)
	require.NoError(t, err)
	assert.Equal(t, grace(), v1.Fields())
	assert.Equal(t, int64(1), v1.Version())
	assert.Equal(t, "ana", v1.UpdatedBy())
	v2, err := repo.Version(t.Context(), id, 2)
	require.NoError(t, err)
	assert.Equal(t, second.Snapshot(), v2.Snapshot())
	_, err = repo.Version(t.Context(), id, 4)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func TestContactRepository_FindByEmail(t *testing.T) {
	t.Parallel()
	repo, _ := newContactRepo(t)
	older := grace()
	older.Email = "Ada@Example.com"
	createContact(t, repo, older)
	newer := grace()
	newer.Name, newer.Email = "Ada King", "ada@example.COM"
	want := createContact(t, repo, newer)
	other := grace()
	other.Email = "ada@example.org"
	createContact(t, repo, other)
	noEmail := grace()
	noEmail.Email = ""
	createContact(t, repo, noEmail)

	for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", "  Ada@example.com "} {
		t.Run(fmt.Sprintf("%q finds the most recent match", email), func(t *testing.T) {
			got, err := repo.FindByEmail(t.Context(), email)
			require.NoError(t, err)
			assert.Equal(t, want.Snapshot(), got.Snapshot())
		})
	}
	for _, email := range []string{"nobody@example.com", "ada@example", "", "  ", "%@example.com"} {
		t.Run(fmt.Sprintf("%q finds nothing", email), func(t *testing.T) {
			_, err := repo.FindByEmail(t.Context(), email)
			assert.ErrorIs(t, err, domain.ErrNotFound)
		})
	}
}

func TestContactRepository_ListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	repo, _ := newContactRepo(t)
	var all []int64
	for i := range 7 {
		f := grace()
		f.Name = fmt.Sprintf("Contact %d", i)
		if i%3 == 0 {
			f.Company = "100% Pure_Co"
		}
		all = append([]int64{createContact(t, repo, f).ID()}, all...) // newest first
	}
	contactIDs := func(p contacts.Page) []int64 {
		out := make([]int64, len(p.Contacts))
		for i, c := range p.Contacts {
			out[i] = c.ID()
		}
		return out
	}

	var seen []int64
	q := contacts.ListQuery{Limit: 3}
	for range 3 {
		page, err := repo.List(t.Context(), q)
		require.NoError(t, err)
		seen = append(seen, contactIDs(page)...)
		q.After = page.Next
		if page.Next == 0 {
			break
		}
	}
	assert.Equal(t, all, seen, "three pages of 3, 3 and 1, in order, each contact once")
	assert.Zero(t, q.After, "the last page has no next")

	t.Run("search matches % and _ literally, in any case", func(t *testing.T) {
		page, err := repo.List(t.Context(), contacts.ListQuery{Search: " 100% pure_ ", Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, []int64{all[0], all[3], all[6]}, contactIDs(page))
		page, err = repo.List(t.Context(), contacts.ListQuery{Search: "100%_", Limit: 10})
		require.NoError(t, err)
		assert.Empty(t, page.Contacts)
	})
	t.Run("search looks in email too and pages", func(t *testing.T) {
		page, err := repo.List(t.Context(), contacts.ListQuery{Search: "NAVY.MIL", Limit: 4})
		require.NoError(t, err)
		assert.Equal(t, all[:4], contactIDs(page))
		assert.Equal(t, all[3], page.Next)
	})
}

// A unit of work builds &ContactRepository{db: tx}: the repository's own
// transaction becomes a savepoint, and the contact and its events commit
// or roll back with the unit of work.
func TestContactRepository_overATransactionRollsBackWithIt(t *testing.T) {
	t.Parallel()
	repo, pool := newContactRepo(t)
	tx, err := pool.Begin(t.Context())
	require.NoError(t, err)
	c, err := contact.New(grace(), "ana")
	require.NoError(t, err)

	created, err := postgres.ContactRepositoryOn(tx).Create(t.Context(), c)
	require.NoError(t, err)
	inside, err := postgres.ContactRepositoryOn(tx).Get(t.Context(), created.ID())
	require.NoError(t, err, "the transaction sees its own contact")
	require.NoError(t, tx.Rollback(t.Context()))

	assert.Equal(t, created.Snapshot(), inside.Snapshot())
	_, err = repo.Get(t.Context(), created.ID())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Empty(t, contactActivity(t, pool, created.ID()))
}
