package postgres

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
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
//
// With an idle timeout scs commits the session after every request, only
// to move its expiry a few seconds on: every page view would be a write.
// The store skips a commit that changes nothing but moves the expiry less
// than renewEvery past what it last read or wrote, so a rep's idle timeout
// is kept to within renewEvery with a write a minute at most.
type SessionStore struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	// seen is what this instance last read or wrote of each session.
	seen map[string]storedSession
}

// storedSession is a session as stored.
type storedSession struct {
	data   []byte
	expiry time.Time
}

// renewEvery is how far a session's expiry must move before a commit that
// changes nothing else writes it; maxSeen bounds what the store remembers
// (past it, it starts afresh: a forgotten session is simply written).
const (
	renewEvery = time.Minute
	maxSeen    = 10_000
)

var _ scs.CtxStore = (*SessionStore)(nil)

// NewSessionStore returns the SessionStore over pool.
func NewSessionStore(pool *pgxpool.Pool) *SessionStore {
	return &SessionStore{pool: pool, seen: map[string]storedSession{}}
}

// remember notes session token as stored; nil data forgets it.
func (s *SessionStore) remember(token string, data []byte, expiry time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if data == nil {
		delete(s.seen, token)
		return
	}
	if len(s.seen) >= maxSeen {
		clear(s.seen)
	}
	s.seen[token] = storedSession{data: data, expiry: expiry}
}

// unchanged reports whether committing data and expiry for token would
// only move its stored expiry by less than renewEvery.
func (s *SessionStore) unchanged(token string, data []byte, expiry time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was, ok := s.seen[token]
	return ok && bytes.Equal(was.data, data) && !expiry.Before(was.expiry) && expiry.Sub(was.expiry) < renewEvery
}

// FindCtx returns session token's data, and false when there is none or
// it expired.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	var expiry time.Time
	err := s.pool.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND now() < expiry`, token).Scan(&b, &expiry)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		s.remember(token, nil, time.Time{})
		return nil, false, nil
	case err != nil:
		return nil, false, failed("read session", err)
	}
	s.remember(token, b, expiry)
	return b, true, nil
}

// CommitCtx stores session token's data until expiry, unless only the
// expiry would move, by less than renewEvery.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if s.unchanged(token, b, expiry) {
		return nil
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	if err != nil {
		s.remember(token, nil, time.Time{})
		return failedCommit("save session", err)
	}
	s.remember(token, b, expiry)
	return nil
}

// DeleteCtx deletes session token.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.remember(token, nil, time.Time{})
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return failedCommit("delete session", err)
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
