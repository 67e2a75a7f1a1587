package postgres

import (
	"context"
	"log/slog"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NewSessionStore returns the scs store that keeps sessions in the sessions
// table (migration 000005). Its own cleanup goroutine stays off: it races
// with StopCleanup and logs through the standard logger; SweepSessions
// does the same job under a context.
func NewSessionStore(pool *pgxpool.Pool) *pgxstore.PostgresStore {
	return pgxstore.NewWithCleanupInterval(pool, 0)
}

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
