package entries_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/usecase/entries"
)

var (
	maria = user.User{ID: 2, Name: "maria", Role: user.RoleRep}
	john  = user.User{ID: 3, Name: "john", Role: user.RoleRep}
	ann   = user.User{ID: 1, Name: "Ann", Role: user.RoleAdmin}
	lead1 = entry.Ref{Kind: "lead", ID: 1}
)

// newService keeps entries in memory, on records that exist unless gone
// says otherwise.
func newService(gone map[entry.Ref]error) *entries.Service {
	return entries.NewService(memory.New().Entries, func(_ context.Context, rec entry.Ref) error { return gone[rec] })
}

func TestCreateLogsOnARecordThatTakesEntries(t *testing.T) {
	t.Parallel()
	missing := entry.Ref{Kind: "lead", ID: 9}
	svc := newService(map[entry.Ref]error{missing: &domain.NotFoundError{Kind: "lead", ID: 9}})

	e, err := svc.For(maria).Create(t.Context(), lead1, entry.Fields{Type: entry.TypeNote, Body: "Prefers email."}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), e.Version())
	assert.Equal(t, entry.AuthorOf(maria), e.Author())
	assert.WithinDuration(t, time.Now(), e.OccurredAt(), time.Minute, "now when not said")

	_, err = svc.For(maria).Create(t.Context(), missing, entry.Fields{Type: entry.TypeNote, Body: "x"}, time.Time{})
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = svc.For(maria).Create(t.Context(), lead1, entry.Fields{Type: entry.TypeNote}, time.Time{})
	var invalid *domain.ValidationError
	assert.ErrorAs(t, err, &invalid, "the rules before the record")
}

func TestTheRulesHoldOnEveryWriteInsideTheCompareAndSwap(t *testing.T) {
	t.Parallel()
	svc := newService(nil)
	e, err := svc.For(maria).Create(t.Context(), lead1, entry.Fields{Type: entry.TypeNote, Body: "One.\nTwo."}, time.Time{})
	require.NoError(t, err)
	var forbidden *domain.ForbiddenError

	_, err = svc.For(john).Save(t.Context(), "john", e.ID(), 1, entry.Fields{Type: entry.TypeNote, Body: "Mine."})
	assert.ErrorAs(t, err, &forbidden, "another rep's save")
	_, err = svc.For(john).Delete(t.Context(), "john", e.ID(), 1)
	assert.ErrorAs(t, err, &forbidden, "and delete")
	_, err = svc.For(maria).Hide(t.Context(), e.ID(), 1, true)
	assert.ErrorAs(t, err, &forbidden, "a rep's hide")

	// A stale save of maria's merges with her other tab's, line by line.
	_, err = svc.For(maria).Save(t.Context(), "maria", e.ID(), 1, entry.Fields{Type: entry.TypeNote, Body: "One!\nTwo."})
	require.NoError(t, err)
	saved, err := svc.For(maria).Save(t.Context(), "maria", e.ID(), 1, entry.Fields{Type: entry.TypeNote, Body: "One.\nTwo!"})
	require.NoError(t, err)
	assert.Equal(t, "One!\nTwo!", saved.Record.Fields().Body)

	hidden, err := svc.For(ann).Hide(t.Context(), e.ID(), 3, true)
	require.NoError(t, err)
	assert.True(t, hidden.Hidden())
	_, err = svc.For(maria).Get(t.Context(), e.ID())
	assert.ErrorIs(t, err, domain.ErrNotFound, "its text is nobody's but an admin's")
	_, err = svc.For(maria).Save(t.Context(), "maria", e.ID(), 4, entry.Fields{Type: entry.TypeNote, Body: "Sorry."})
	assert.ErrorIs(t, err, domain.ErrNotFound, "nor to edit")
	listed, err := svc.For(maria).OfRecord(t.Context(), lead1, 0, 10)
	require.NoError(t, err)
	require.Len(t, listed, 1, "the timeline keeps its place, to say who hid it")
	assert.False(t, listed[0].VisibleTo(maria))
	_, err = svc.For(ann).Hide(t.Context(), e.ID(), 3, false)
	assert.True(t, domain.IsOptimisticLock(err), "an unhide from an old version")
}
