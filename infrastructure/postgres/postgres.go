// Package postgres stores the CRM's aggregates in PostgreSQL with pgx and
// migrates its schema with golang-migrate. It implements the repository
// interfaces the use cases declare; every write is a compare-and-swap on the
// aggregate's version, so no save can silently overwrite another.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Timeouts bound, on the server, what one connection of a pool may spend:
// a statement, a wait for a lock, a transaction left idle. Zero leaves the
// server's default (none).
type Timeouts struct {
	Statement, Lock, IdleInTransaction time.Duration
}

// ServingTimeouts are the bounds of the pool that serves reps. Each is
// below the request deadline, so a stuck query is ended by the server and
// its connection is reusable, rather than ended by the client, which
// throws the connection away. Commands that copy or migrate in bulk (seed,
// migrate) run without them.
var ServingTimeouts = Timeouts{Statement: 8 * time.Second, Lock: 3 * time.Second, IdleInTransaction: 30 * time.Second}

// Option sets up the pool Connect opens.
type Option func(*pgxpool.Config)

// MaxConns bounds the pool to n connections, n > 0; 0 keeps the URL's
// pool_max_conns or else pgx's default (the larger of 4 and the number of
// CPUs).
func MaxConns(n int32) Option {
	return func(cfg *pgxpool.Config) {
		if n > 0 {
			cfg.MaxConns = n
		}
	}
}

// LogSlowQueries logs to log, at WARN, every statement that takes longer
// than over (SlowQuery, say): its name and duration, never its arguments.
func LogSlowQueries(log *slog.Logger, over time.Duration) Option {
	return func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = slowQueryLog{log: log, over: over}
	}
}

// LiveNotices sets whether the pool's saves announce themselves on the
// live feed's channel (see withEvents): off, a save sends no NOTIFY, for a
// deployment where nothing listens (behind a pooler in transaction mode,
// which cannot LISTEN) or to measure what notices cost.
func LiveNotices(on bool) Option {
	return func(cfg *pgxpool.Config) {
		if !on {
			cfg.ConnConfig.RuntimeParams[liveNoticesSetting] = "off"
		}
	}
}

// liveNoticesSetting is the connection's own setting withEvents reads.
const liveNoticesSetting = "crm.live_notices"

// Connect opens a connection pool to databaseURL and checks that the database
// answers, so a wrong URL or password fails at start-up instead of on the
// first request. Later outages do not need a new pool: pgxpool replaces
// broken connections by itself once the database is back. t bounds each
// connection's statements, unless the URL sets those parameters itself;
// opts set the pool up further.
func Connect(ctx context.Context, databaseURL string, t Timeouts, opts ...Option) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	for _, opt := range opts {
		opt(cfg)
	}
	params := cfg.ConnConfig.RuntimeParams
	for name, d := range map[string]time.Duration{
		"statement_timeout": t.Statement, "lock_timeout": t.Lock, "idle_in_transaction_session_timeout": t.IdleInTransaction,
	} {
		if _, set := params[name]; !set && d > 0 {
			params[name] = strconv.FormatInt(d.Milliseconds(), 10)
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}
