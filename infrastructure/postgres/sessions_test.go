package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// TestSessionStore_APageViewWritesTheSessionOnlyWhenSomethingMoved: scs
// commits a session after every request with a new idle expiry; the store
// writes it only when its data changed or the expiry moved a minute on.
func TestSessionStore_APageViewWritesTheSessionOnlyWhenSomethingMoved(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	store := postgres.NewSessionStore(db.Pool)
	stored := func() (string, time.Time) {
		t.Helper()
		var data []byte
		var expiry time.Time
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = 'tok'`).Scan(&data, &expiry))
		return string(data), expiry
	}
	start := time.Now().Add(2 * time.Hour).Truncate(time.Millisecond)
	require.NoError(t, store.CommitCtx(ctx, "tok", []byte("rep 1"), start))

	// A page view a few seconds later, on another instance too.
	other := postgres.NewSessionStore(db.Pool)
	for _, s := range []*postgres.SessionStore{store, other} {
		b, found, err := s.FindCtx(ctx, "tok")
		require.NoError(t, err)
		require.True(t, found)
		require.NoError(t, s.CommitCtx(ctx, "tok", b, start.Add(5*time.Second)))
	}
	_, expiry := stored()
	assert.WithinDuration(t, start, expiry, time.Millisecond, "a few seconds' renewal is not written")

	require.NoError(t, store.CommitCtx(ctx, "tok", []byte("rep 1"), start.Add(2*time.Minute)))
	_, expiry = stored()
	assert.WithinDuration(t, start.Add(2*time.Minute), expiry, time.Millisecond, "a renewal past a minute is written")

	require.NoError(t, store.CommitCtx(ctx, "tok", []byte("rep 1, a kept form"), start.Add(2*time.Minute+time.Second)))
	data, _ := stored()
	assert.Equal(t, "rep 1, a kept form", data, "changed data is always written")

	// Signed out on another instance while a request of this one runs:
	// the request's commit at its end does not bring the session back.
	b, found, err := store.FindCtx(ctx, "tok")
	require.NoError(t, err)
	require.True(t, found)
	require.NoError(t, other.DeleteCtx(ctx, "tok"))
	require.NoError(t, store.CommitCtx(ctx, "tok", b, start.Add(2*time.Minute+2*time.Second)))
	var left int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&left))
	assert.Zero(t, left, "signed out stays signed out")
}
