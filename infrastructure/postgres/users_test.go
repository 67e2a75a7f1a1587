package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/password"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
)

// newAuth is the auth use case on the PostgreSQL stores of a fresh database.
func newAuth(t *testing.T) (*auth.Service, *pgtest.DB) {
	t.Helper()
	db := pgtest.New(t)
	limits := auth.DefaultLimits
	svc := auth.NewService(postgres.NewUserRepository(db.Pool), postgres.NewTokenRepository(db.Pool),
		postgres.NewLoginFailures(db.Pool, limits.Window), password.Bcrypt{Cost: bcrypt.MinCost}, limits)
	return svc, db
}

// Sign-in's rules, its rate limits among them, are specified by the use
// case's tests in usecase/auth, on the memory stores that the contract
// suite in infrastructure/contract proves behave like these. The tests here
// are those that check what only the tables show: the password and token
// hashes stored, and the tokens a deleted rep takes with them.

func TestAuth_AddUserThenSignIn(t *testing.T) {
	t.Parallel()
	svc, db := newAuth(t)
	ctx := t.Context()

	u, err := svc.AddUser(ctx, "  Maria@Example.com ", " Maria Silva ", "correct horse battery", user.RoleRep)
	require.NoError(t, err)
	assert.Equal(t, user.User{ID: u.ID, Email: "maria@example.com", Name: "Maria Silva", Role: user.RoleAdmin}, u, "the first user administers")
	var stored string
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&stored))
	assert.True(t, strings.HasPrefix(stored, "$2a$"), "a bcrypt hash, not the password: %q", stored)
	assert.NotContains(t, stored, "correct horse")

	got, err := svc.SignIn(ctx, "MARIA@example.com", "correct horse battery", "10.0.0.1")
	require.NoError(t, err)
	assert.Equal(t, u, got)

	_, err = svc.SignIn(ctx, "maria@example.com", "correct horse battery!", "10.0.0.1")
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "a wrong password")
	_, err = svc.SignIn(ctx, "nobody@example.com", "correct horse battery", "10.0.0.1")
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "an unknown email gets the same answer")

	_, err = svc.AddUser(ctx, "maria@EXAMPLE.com", "Another Maria", "another long password", user.RoleRep)
	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "A user with this email already exists.", invalid.For(user.FieldEmail))

	_, err = svc.AddUser(ctx, "short@example.com", "Short", "too short", user.RoleRep)
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "The password needs at least 12 characters.", invalid.For(user.FieldPassword))
}

func TestAuth_Tokens(t *testing.T) {
	t.Parallel()
	svc, db := newAuth(t)
	ctx := t.Context()
	u, err := svc.AddUser(ctx, "maria@example.com", "Maria", "correct horse battery", user.RoleRep)
	require.NoError(t, err)

	token, issued, err := svc.CreateToken(ctx, "Maria@example.com", auth.TokenOptions{})
	require.NoError(t, err)
	assert.Regexp(t, `^crm_[A-Za-z0-9_-]{43}$`, token)
	assert.WithinDuration(t, time.Now().Add(auth.DefaultTokenTTL), issued.ExpiresAt, time.Minute, "90 days by default")
	got, err := svc.AuthenticateToken(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, auth.Bearer{User: u}, got)
	listed, err := svc.Tokens(ctx, "maria@example.com")
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.False(t, listed[0].LastUsedAt.IsZero(), "its use is recorded")

	var stored []byte
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT token_hash FROM api_tokens`).Scan(&stored))
	assert.Len(t, stored, 32, "only a SHA-256 is stored")
	assert.NotContains(t, string(stored), token[4:])

	other, _, err := svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{TTL: time.Hour, ReadOnly: true})
	require.NoError(t, err)
	assert.NotEqual(t, token, other, "every token is new")
	got, err = svc.AuthenticateToken(ctx, other)
	require.NoError(t, err)
	assert.True(t, got.ReadOnly)

	for _, bad := range []string{"", "crm_", token[:len(token)-1], token + "x", "Bearer " + token,
		"crm_" + strings.Repeat("A", 43), strings.ToUpper(token)} {
		_, err := svc.AuthenticateToken(ctx, bad)
		assert.ErrorIs(t, err, domain.ErrUnauthenticated, "token %q", bad)
	}
	_, _, err = svc.CreateToken(ctx, "nobody@example.com", auth.TokenOptions{})
	assert.ErrorIs(t, err, domain.ErrNotFound)

	_, err = db.Pool.Exec(ctx, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE read_only`)
	require.NoError(t, err)
	_, err = svc.AuthenticateToken(ctx, other)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "an expired token")
	revoked, err := svc.RevokeToken(ctx, issued.ID)
	require.NoError(t, err)
	assert.False(t, revoked.RevokedAt.IsZero())
	_, err = svc.AuthenticateToken(ctx, token)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "a revoked token")
	_, err = svc.RevokeToken(ctx, 424242)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	third, _, err := svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{})
	require.NoError(t, err)

	_, err = db.Pool.Exec(context.Background(), `DELETE FROM users WHERE id = $1`, u.ID)
	require.NoError(t, err)
	_, err = svc.AuthenticateToken(ctx, third)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "a deleted rep's tokens die with them")
	_, err = svc.User(ctx, u.ID)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated)
}

func TestSweepSessions_DeletesOnlyExpiredSessions(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	_, err := db.Pool.Exec(t.Context(), `INSERT INTO sessions (token, data, expiry) VALUES
		('old', '\x00', now() - interval '1 minute'), ('live', '\x00', now() + interval '1 hour')`)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		postgres.SweepSessions(ctx, db.Pool, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()

	assert.Eventually(t, func() bool {
		var tokens []string
		rows, err := db.Pool.Query(t.Context(), `SELECT token FROM sessions`)
		require.NoError(t, err)
		tokens, err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return len(tokens) == 1 && tokens[0] == "live"
	}, 5*time.Second, 20*time.Millisecond)
	cancel()
	<-done
}
