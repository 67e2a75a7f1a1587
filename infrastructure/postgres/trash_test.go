package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/trash"
)

// deleter deletes records of one kind at version 1 as rep by, as the use
// case does.
type deleter[A interface{ Delete(string) error }] interface {
	Update(ctx context.Context, id, version int64, apply func(A) (bool, error)) (A, error)
}

func remove[A interface{ Delete(string) error }](t *testing.T, repo deleter[A], id int64, by string) A {
	t.Helper()
	return must(repo.Update(t.Context(), id, 1, func(a A) (bool, error) { return true, a.Delete(by) }))(t)
}

func newContact(t *testing.T, repo *postgres.ContactRepository, name string) *contact.Contact {
	t.Helper()
	return must(repo.Create(t.Context(), must(contact.New(contact.Fields{Name: name}, "ana"))(t)))(t)
}

func newDeal(t *testing.T, repo *postgres.DealRepository, title string, contactID, leadID int64) *deal.Deal {
	t.Helper()
	d := must(deal.New(deal.Fields{Title: title, Amount: deal.Money{Minor: 1, Currency: "EUR"}}, contactID, leadID, "ana"))(t)
	return must(repo.Create(t.Context(), d))(t)
}

func TestTrash_ListsEveryKindMostRecentlyDeletedFirst(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	leads, contacts, deals := postgres.NewLeadRepository(db.Pool), postgres.NewContactRepository(db.Pool), postgres.NewDealRepository(db.Pool)

	var want []trash.Item
	trashed := func(kind string, id int64, title, by string, at time.Time) {
		want = append([]trash.Item{{Kind: kind, ID: id, Version: 2, Title: title, DeletedBy: by, DeletedAt: at}}, want...)
	}
	for _, name := range []string{"Ada", "Alan", "Grace"} {
		l := remove(t, leads, create(t, leads, lead.Fields{Name: name}).ID(), "maria")
		trashed("lead", l.ID(), name, "maria", l.DeletedAt())
	}
	c := newContact(t, contacts, "Barbara")
	d := remove(t, deals, newDeal(t, deals, "Engines", c.ID(), 0).ID(), "john")
	trashed("deal", d.ID(), "Engines", "john", d.DeletedAt())
	c = remove(t, contacts, c.ID(), "john")
	trashed("contact", c.ID(), "Barbara", "john", c.DeletedAt())
	create(t, leads, lead.Fields{Name: "Live lead"})

	repo := postgres.NewTrashRepository(db.Pool)
	var got []trash.Item
	q := trash.Query{Limit: 2}
	for pages := 1; ; pages++ {
		require.LessOrEqual(t, pages, 5, "the cursor does not end")
		page, err := repo.List(t.Context(), q)
		require.NoError(t, err)
		got = append(got, page.Items...)
		if page.Next == nil {
			break
		}
		q.After = page.Next
	}
	assert.Equal(t, want, got, "deleted rows of every kind, newest delete first, paged without gaps; no live row")
}

func TestPurge_RemovesOnlyWhatWasDeletedBeforeTheCut(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	leads, contacts, deals := postgres.NewLeadRepository(db.Pool), postgres.NewContactRepository(db.Pool), postgres.NewDealRepository(db.Pool)

	old := remove(t, leads, create(t, leads, lead.Fields{Name: "Old"}).ID(), "maria")
	// A lead and contact a deal still refers to stay, however old their
	// delete: the deal's history names them.
	converted := create(t, leads, lead.Fields{Name: "Converted"})
	c := newContact(t, contacts, "Grace")
	newDeal(t, deals, "Engines", c.ID(), converted.ID())
	remove(t, leads, converted.ID(), "maria")
	remove(t, contacts, c.ID(), "maria")
	oldDeal := remove(t, deals, newDeal(t, deals, "Gone", c.ID(), 0).ID(), "maria")
	time.Sleep(10 * time.Millisecond) // the cut falls strictly between the deletes
	cut := time.Now()
	time.Sleep(10 * time.Millisecond)
	recent := remove(t, leads, create(t, leads, lead.Fields{Name: "Recent"}).ID(), "maria")
	live := create(t, leads, lead.Fields{Name: "Live"})

	n, err := postgres.NewTrashRepository(db.Pool).Purge(t.Context(), cut)
	require.NoError(t, err)

	assert.Equal(t, trash.Purged{Leads: 1, Deals: 1}, n)
	for id, kept := range map[int64]bool{old.ID(): false, converted.ID(): true, recent.ID(): true, live.ID(): true} {
		_, err := leads.Get(t.Context(), id)
		assert.Equal(t, kept, err == nil, "lead %d kept", id)
	}
	_, err = contacts.Get(t.Context(), c.ID())
	assert.NoError(t, err, "the contact of a live deal is kept")
	assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM lead_versions WHERE lead_id = $1`, old.ID()), "its versions go too")
	assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM activity WHERE aggregate_kind = 'lead' AND aggregate_id = $1`, old.ID()), "and its history")
	assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM deal_versions WHERE id = $1`, oldDeal.ID()))
	assert.Equal(t, 2, countRows(t, db.Pool, `SELECT count(*) FROM lead_versions WHERE lead_id = $1`, recent.ID()))

	n, err = postgres.NewTrashRepository(db.Pool).Purge(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, trash.Purged{Leads: 1}, n, "a later purge takes the recent one; the deal's lead and contact stay")
}

// newRep stores a user, as a saved view's owner must be one.
func newRep(t *testing.T, db *pgtest.DB, name string) user.User {
	t.Helper()
	return must(postgres.NewUserRepository(db.Pool).Create(t.Context(), user.User{Email: name + "@example.com", Name: name, Role: user.RoleRep}, "hash"))(t)
}

func newView(t *testing.T, repo *postgres.SavedViewRepository, owner user.User, name string, shared bool) *savedview.View {
	t.Helper()
	v := must(savedview.New(savedview.Fields{Name: name, Query: "status=NEW", Shared: shared}, savedview.OwnerOf(owner)))(t)
	return must(repo.Create(t.Context(), v))(t)
}

func TestTrash_ShowsADeletedViewToWhoeverCouldSeeIt(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	views := postgres.NewSavedViewRepository(db.Pool)
	maria, john := newRep(t, db, "maria"), newRep(t, db, "john")
	shared := remove(t, views, newView(t, views, maria, "Team hot leads", true).ID(), "maria")
	personal := remove(t, views, newView(t, views, maria, "My hot leads", false).ID(), "maria")

	titles := func(viewer user.User) []string {
		page, err := postgres.NewTrashRepository(db.Pool).List(t.Context(), trash.Query{Viewer: viewer.ID, Limit: 10})
		require.NoError(t, err)
		var out []string
		for _, it := range page.Items {
			assert.Equal(t, "view", it.Kind)
			out = append(out, it.Title)
		}
		return out
	}
	assert.Equal(t, []string{"My hot leads", "Team hot leads"}, titles(maria), "its owner sees both")
	assert.Equal(t, []string{"Team hot leads"}, titles(john), "another rep the shared one only")

	n, err := postgres.NewTrashRepository(db.Pool).Purge(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, trash.Purged{Views: 2}, n)
	for _, v := range []*savedview.View{shared, personal} {
		assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM saved_view_versions WHERE id = $1`, v.ID()), "its versions go")
		assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM activity WHERE aggregate_kind = 'view' AND aggregate_id = $1`, v.ID()), "and its history")
	}
}

func TestTrash_ShowsADeletedEntryToItsAuthorAndThePurgeTakesIt(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	entries := postgres.NewEntryRepository(db.Pool)
	maria, john := newRep(t, db, "maria"), newRep(t, db, "john")
	logged := must(entry.New(entry.Fields{Type: entry.TypeCall, Body: "Asked\nfor   a trial.", Outcome: entry.OutcomeConnected},
		entry.Ref{Kind: "lead", ID: 1}, entry.AuthorOf(maria), time.Now()))(t)
	e := remove(t, entries, must(entries.Create(t.Context(), logged))(t).ID(), "maria")

	list := func(viewer user.User) []trash.Item {
		page, err := postgres.NewTrashRepository(db.Pool).List(t.Context(), trash.Query{Viewer: viewer.ID, Limit: 10})
		require.NoError(t, err)
		return page.Items
	}
	got := list(maria)
	require.Len(t, got, 1)
	assert.Equal(t, "entry", got[0].Kind)
	assert.Equal(t, "Call: Asked for a trial.", got[0].Title, "its type and the start of its text, on one line")
	assert.Equal(t, e.Version(), got[0].Version)
	assert.Empty(t, list(john), "only its author, who may restore it")

	n, err := postgres.NewTrashRepository(db.Pool).Purge(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, trash.Purged{Entries: 1}, n)
	assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM entry_versions WHERE id = $1`, e.ID()))
	assert.Zero(t, countRows(t, db.Pool, `SELECT count(*) FROM activity WHERE aggregate_kind = 'entry' AND aggregate_id = $1`, e.ID()))
}

func TestPurge_TakesARecordsTimelineEntriesWithIt(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var maria int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'maria', 'x') RETURNING id`).Scan(&maria))
	leads, entries := postgres.NewLeadRepository(db.Pool), postgres.NewEntryRepository(db.Pool)
	logOn := func(id int64) *entry.Entry {
		e, err := entry.New(entry.Fields{Type: entry.TypeNote, Body: "Asked for a trial."}, entry.Ref{Kind: lead.Kind, ID: id},
			entry.Author{ID: maria, Name: "maria"}, time.Now())
		require.NoError(t, err)
		e, err = entries.Create(t.Context(), e)
		require.NoError(t, err)
		return e
	}
	gone := create(t, leads, lead.Fields{Name: "Gone"})
	note := logOn(gone.ID())
	remove(t, leads, gone.ID(), "maria")
	kept := create(t, leads, lead.Fields{Name: "Kept"})
	keptNote := logOn(kept.ID())

	n, err := postgres.NewTrashRepository(db.Pool).Purge(t.Context(), time.Now().Add(time.Hour))

	require.NoError(t, err)
	assert.Equal(t, trash.Purged{Leads: 1, Entries: 1}, n, "the purged lead's note goes with it, and is counted")
	_, err = entries.Get(t.Context(), note.ID())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	var versions, events int
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM entry_versions WHERE id = $1),
		(SELECT count(*) FROM activity WHERE aggregate_kind = 'entry' AND aggregate_id = $1)`, note.ID()).Scan(&versions, &events))
	assert.Zero(t, versions+events, "nor its versions or history")
	_, err = entries.Get(t.Context(), keptNote.ID())
	assert.NoError(t, err, "a live lead's entries stay")
}
