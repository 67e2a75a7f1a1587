package deals_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/deals"
	"crm/usecase/record"
)

// dealConflict is the conflict error of a deal write.
type dealConflict = conflict.Error[*deal.Deal, deal.Fields]

func engines() deal.Fields {
	return deal.Fields{Title: "Analytical Engine", Amount: deal.Money{Minor: 125000, Currency: "EUR"}}
}

// withContact stores a contact named name in db and returns its id.
func withContact(t *testing.T, db *memory.DB, name string) int64 {
	t.Helper()
	c, err := contact.New(contact.Fields{Name: name}, "ana")
	require.NoError(t, err)
	c, err = db.Contacts.Create(t.Context(), c)
	require.NoError(t, err)
	return c.ID()
}

// seeded returns a service on a fresh in-memory database and the id of
// the engines deal, created by ana at version 1 with Ada's contact.
func seeded(t *testing.T) (*deals.Service, int64) {
	t.Helper()
	db := memory.New()
	svc := deals.NewService(db.Deals)
	d, err := svc.Create(t.Context(), "ana", withContact(t, db, "Ada Lovelace"), engines())
	require.NoError(t, err)
	require.Equal(t, int64(1), d.Version())
	require.Equal(t, deal.StageQualification, d.Stage())
	return svc, d.ID()
}

func TestService_Create_refusesWithoutStoring(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		contactID int64
		fields    deal.Fields
		want      map[string]string // field → message
	}{
		{"an invalid deal", 0, deal.Fields{Amount: engines().Amount},
			map[string]string{deal.FieldTitle: "Title is required.", deal.FieldContact: "Choose the contact the deal is with."}},
		{"a deal whose contact does not exist", 42, engines(),
			map[string]string{deal.FieldContact: "The contact does not exist."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := deals.NewService(memory.New().Deals)

			_, err := svc.Create(t.Context(), "ana", tt.contactID, tt.fields)

			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			for field, msg := range tt.want {
				assert.Equal(t, msg, v.For(field))
			}
			p, err := svc.List(t.Context(), deals.ListQuery{})
			require.NoError(t, err)
			assert.Empty(t, p.Items, "nothing stored")
		})
	}
}

func TestService_Update_fromAStaleVersionExplainsTheConflict(t *testing.T) {
	t.Parallel()
	svc, id := seeded(t)
	theirs := engines()
	theirs.Amount.Minor = 99900
	_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), theirs)
	require.NoError(t, err)

	yours := engines()
	yours.Title = "  Two engines "
	yours.Amount.Minor = 250000
	_, err = svc.Update(t.Context(), "carla", asRead(t, svc, id, 1), yours)

	var c *dealConflict
	require.ErrorAs(t, err, &c)
	assert.Equal(t, domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: 1, Actual: 2}, *c.Lock)
	assert.Equal(t, int64(2), c.Current.Version())
	require.True(t, c.HasBase())
	assert.Equal(t, int64(1), c.Base.Version())
	require.NotNil(t, c.Yours)
	assert.Equal(t, "Two engines", c.Yours.Title, "what the rep typed, normalized")
	assert.Equal(t, []string{deal.FieldAmount}, c.Compare.Conflicts)
	assert.Equal(t, []string{deal.FieldTitle}, c.Compare.Yours)
	assert.Empty(t, c.Wanted, "a field save wants no stage")
	assert.True(t, domain.IsOptimisticLock(err), "errors.As still finds the lock")

	stored, err := svc.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, theirs, stored.Fields(), "nothing written")
}

func TestService_Move_isMadeOnANewerVersionNobodyMoved(t *testing.T) {
	t.Parallel()
	svc, id := seeded(t)
	theirs := engines()
	theirs.Title = "Difference Engine"
	_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), theirs)
	require.NoError(t, err)

	saved, err := svc.Move(t.Context(), "carla", id, 1, deal.StageWon, today)

	require.NoError(t, err)
	assert.Equal(t, deal.StageWon, saved.Record.Stage())
	assert.Equal(t, "Difference Engine", saved.Record.Fields().Title, "bruno's save kept")
	assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "bruno", Kept: []string{deal.FieldTitle}, Applied: []string{deal.FieldStage, deal.FieldExpectedClose}}, saved.Merge)
}

// TestService_StaleMoves checks Move, which merges onto a newer version
// nobody moved, and MoveAt, which never merges, alike when someone moved
// the deal meanwhile.
func TestService_StaleMoves(t *testing.T) {
	t.Parallel()
	// Each move starts from a read of the deal: Move takes its version,
	// MoveAt the record as read.
	moves := map[string]func(svc *deals.Service, ctx context.Context, by string, read *deal.Deal, to deal.Stage) error{
		"Move": func(svc *deals.Service, ctx context.Context, by string, read *deal.Deal, to deal.Stage) error {
			_, err := svc.Move(ctx, by, read.ID(), read.Version(), to, today)
			return err
		},
		"MoveAt": func(svc *deals.Service, ctx context.Context, by string, read *deal.Deal, to deal.Stage) error {
			_, err := svc.MoveAt(ctx, by, read, to, today)
			return err
		},
	}
	for name, move := range moves {
		t.Run(name+" from a stale version is a conflict that says where it wanted", func(t *testing.T) {
			t.Parallel()
			svc, id := seeded(t)
			carlas := asRead(t, svc, id, 1)
			require.NoError(t, move(svc, t.Context(), "bruno", asRead(t, svc, id, 1), deal.StageLost))

			err := move(svc, t.Context(), "carla", carlas, deal.StageWon)

			var c *dealConflict
			require.ErrorAs(t, err, &c)
			assert.Equal(t, "Won", c.Wanted, "the stage asked for, as reps read it")
			assert.Equal(t, deal.StageWon.Label(), c.Wanted)
			assert.Equal(t, deal.StageLost, c.Current.Stage())
			require.True(t, c.HasBase())
			assert.Equal(t, deal.StageQualification, c.Base.Stage())
			assert.Nil(t, c.Yours)
			stored, err := svc.Get(t.Context(), id)
			require.NoError(t, err)
			assert.Equal(t, deal.StageLost, stored.Stage(), "nothing written")
			assert.Equal(t, int64(2), stored.Version())
		})
	}
}

func TestService_RuleAndNotFoundErrorsPassThrough(t *testing.T) {
	t.Parallel()
	svc, id := seeded(t)
	_, err := svc.MoveAt(t.Context(), "bruno", asRead(t, svc, id, 1), deal.StageWon, today)
	require.NoError(t, err)

	_, err = svc.MoveAt(t.Context(), "bruno", asRead(t, svc, id, 2), deal.StageQualification, today)
	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, "Cannot move from WON to QUALIFICATION. A won deal stays won.", rule.Message)
	assert.False(t, domain.IsOptimisticLock(err))

	_, err = svc.Update(t.Context(), "bruno", asRead(t, svc, 999, 1), engines())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	var nf *domain.NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, deal.Kind, nf.Kind)
	var c *dealConflict
	assert.False(t, errors.As(err, &c))
}

func TestService_Update_withNoChangeKeepsTheVersion(t *testing.T) {
	t.Parallel()
	svc, id := seeded(t)
	same := engines()
	same.Title = " " + same.Title + "  "

	d, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), same)

	require.NoError(t, err)
	assert.Equal(t, int64(1), d.Version())
	assert.Equal(t, "ana", d.UpdatedBy())
}

func TestService_List_returnsNewestFirstWithAWorkingCursor(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := memory.New()
	svc := deals.NewService(db.Deals)
	ada, grace := withContact(t, db, "Ada Lovelace"), withContact(t, db, "Grace Hopper")
	var ids []int64
	for i, contactID := range []int64{ada, grace, ada, grace} {
		f := engines()
		f.Amount.Minor += int64(i)
		d, err := svc.Create(ctx, "ana", contactID, f)
		require.NoError(t, err)
		ids = append(ids, d.ID())
	}
	_, err := svc.MoveAt(ctx, "ana", asRead(t, svc, ids[1], 1), deal.StageWon, today)
	require.NoError(t, err)
	idsOf := func(p deals.Page) []int64 {
		out := []int64{}
		for _, d := range p.Items {
			out = append(out, d.ID())
		}
		return out
	}

	first, err := svc.List(ctx, deals.ListQuery{Paging: record.Paging{Limit: 2}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[3], ids[2]}, idsOf(first), "newest first")
	assert.Equal(t, ids[2], first.Next, "the cursor is the last id shown")
	assert.Equal(t, map[int64]string{ada: "Ada Lovelace", grace: "Grace Hopper"}, first.ContactNames)

	second, err := svc.List(ctx, deals.ListQuery{Paging: record.Paging{After: first.Next, Limit: 2}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[1], ids[0]}, idsOf(second))
	assert.Zero(t, second.Next, "the last page has no next")

	won, err := svc.List(ctx, deals.ListQuery{Stage: deal.StageWon})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[1]}, idsOf(won), "the stage filters the list")
	assert.Equal(t, map[int64]string{grace: "Grace Hopper"}, won.ContactNames, "only the page's contacts are named")

	ofAda, err := svc.ListByContact(ctx, ada)
	require.NoError(t, err)
	require.Len(t, ofAda, 2)
	assert.Equal(t, []int64{ids[2], ids[0]}, []int64{ofAda[0].ID(), ofAda[1].ID()})
	none, err := svc.ListByContact(ctx, 999)
	require.NoError(t, err)
	assert.Empty(t, none, "no deals is an empty list, not an error")
}

// asRead is deal id as a caller that read it at version holds it, which is
// what the exact writes (Update, MoveAt) take: the record as it is now,
// stamped with version, so a stale read or one of a record purged since
// (an id never stored) can be written from.
func asRead(t *testing.T, svc *deals.Service, id, version int64) *deal.Deal {
	t.Helper()
	var r *deal.Deal
	if now, err := svc.Get(t.Context(), id); err == nil {
		r = deal.Rehydrate(now.Snapshot())
		r.Stamp(now.Meta())
	} else {
		r = deal.Rehydrate(deal.Snapshot{Fields: engines(), Stage: deal.StageQualification})
	}
	m := r.Meta()
	m.ID, m.Version = id, version
	r.Stamp(m)
	return r
}

// today passes both stage gates.
var today = deal.Gate{ExpectedClose: domain.DateOf(time.Now()), ClosedOn: domain.DateOf(time.Now())}

func TestService_TheExpectedCloseMergesLikeAnyField(t *testing.T) {
	t.Parallel()
	svc, id := seeded(t)
	theirs := engines()
	theirs.Title = "Difference Engine"
	_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), theirs)
	require.NoError(t, err)

	mine := engines()
	mine.ExpectedClose = domain.DateOf(time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC))
	saved, err := svc.Save(t.Context(), "carla", id, 1, mine)

	require.NoError(t, err)
	assert.Equal(t, "Difference Engine", saved.Record.Fields().Title, "bruno's save kept")
	assert.Equal(t, "2027-01-15", saved.Record.Fields().ExpectedClose.String())
	require.NotNil(t, saved.Merge)
	assert.Equal(t, []string{deal.FieldExpectedClose}, saved.Merge.Applied)

	// A stale move to Negotiation onto a version that has the date passes the gate.
	moved, err := svc.Move(t.Context(), "bruno", id, 2, deal.StageNegotiation, deal.Gate{})
	require.NoError(t, err)
	assert.Equal(t, deal.StageNegotiation, moved.Record.Stage())
}

// TestService_AMoveThatBringsADateDependsOnIt: a stale move carrying the
// expected close (a board's dialog) merges onto a save that left the date
// alone, and is a conflict, not an overwrite, when someone saved another
// date since.
func TestService_AMoveThatBringsADateDependsOnIt(t *testing.T) {
	t.Parallel()
	mine := deal.Gate{ExpectedClose: domain.DateOf(time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC))}

	t.Run("someone saved the title: merged, the date applied", func(t *testing.T) {
		svc, id := seeded(t)
		theirs := engines()
		theirs.Title = "Difference Engine"
		_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), theirs)
		require.NoError(t, err)

		saved, err := svc.Move(t.Context(), "carla", id, 1, deal.StageNegotiation, mine)

		require.NoError(t, err)
		assert.Equal(t, "2030-01-15", saved.Record.Fields().ExpectedClose.String())
		assert.Equal(t, "Difference Engine", saved.Record.Fields().Title)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "bruno", Kept: []string{deal.FieldTitle},
			Applied: []string{deal.FieldStage, deal.FieldExpectedClose}}, saved.Merge)
	})
	t.Run("someone saved another date: a conflict, theirs kept", func(t *testing.T) {
		svc, id := seeded(t)
		theirs := engines()
		theirs.ExpectedClose = domain.DateOf(time.Date(2031, 6, 30, 0, 0, 0, 0, time.UTC))
		_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, id, 1), theirs)
		require.NoError(t, err)

		_, err = svc.Move(t.Context(), "carla", id, 1, deal.StageNegotiation, mine)

		var c *dealConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, "Negotiation", c.Wanted)
		got, err := svc.Get(t.Context(), id)
		require.NoError(t, err)
		assert.Equal(t, "2031-06-30", got.Fields().ExpectedClose.String(), "bruno's date kept")
		assert.Equal(t, deal.StageQualification, got.Stage())
	})
}
