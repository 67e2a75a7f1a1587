package postgres

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SessionStore keeps scs sessions in the sessions table (migration
// 000005). It takes each request's context, so a session read or write
// gives up at the request's deadline when the database does not answer
// (scs's own pgx store always waited, on context.Background()). Expired
// sessions are never read; SweepSessions deletes them.
type SessionStore struct{ pool *pgxpool.Pool }

var _ scs.CtxStore = (*SessionStore)(nil)

// NewSessionStore returns the SessionStore over pool.
func NewSessionStore(pool *pgxpool.Pool) *SessionStore { return &SessionStore{pool: pool} }

// FindCtx returns session token's data, and false when there is none or
// it expired.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND now() < expiry`, token).Scan(&b)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, failed("read session", err)
	}
	return b, true, nil
}

// CommitCtx stores session token's data until expiry.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	if err != nil {
		return failed("save session", err)
	}
	return nil
}

// DeleteCtx deletes session token.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return failed("delete session", err)
	}
	return nil
}

// Find, Commit and Delete are scs.Store's methods without a context; scs
// calls the Ctx ones, these serve only callers that have none.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// SweepSessions deletes expired sessions every interval until ctx ends.
// Expired sessions are never served either way (the store checks the
// expiry); this only keeps the table small.
func SweepSessions(ctx context.Context, pool *pgxpool.Pool, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`); err != nil && ctx.Err() == nil {
				log.Warn("could not delete expired sessions", "err", err)
			}
		}
	}
}
