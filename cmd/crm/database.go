package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/infrastructure/postgres"
)

// Backoff between attempts to reach the database at start-up.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
	attemptTimeout  = 5 * time.Second
)

// connect opens a pool once the database answers, retrying with a growing
// delay for up to cfg.DatabaseWait: in `docker compose up`, or after a host
// reboot, the app may start before PostgreSQL does. Errors that waiting cannot
// fix (a malformed URL, a wrong password, a missing database) fail at once.
func connect(ctx context.Context, cfg Config, log *slog.Logger) (*pgxpool.Pool, error) {
	if _, err := pgxpool.ParseConfig(cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("%w: DATABASE_URL is not a valid PostgreSQL URL: %v", errConfig, err)
	}
	deadline := time.Now().Add(cfg.DatabaseWait)
	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		pool, err := postgres.Connect(actx, cfg.DatabaseURL, cfg.DatabaseTimeouts,
			postgres.MaxConns(cfg.DatabaseMaxConns), postgres.LogSlowQueries(log, postgres.SlowQuery),
			postgres.LiveNotices(!cfg.LiveNoticesOff))
		cancel()
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "database", redactedURL(cfg.DatabaseURL), "attempts", attempt)
			}
			return pool, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("gave up waiting for the database: %w", ctx.Err())
		}
		if permanent(err) {
			return nil, fmt.Errorf("connect to %s: %w", redactedURL(cfg.DatabaseURL), err)
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return nil, fmt.Errorf("database %s still not reachable after %s (%d attempts); is PostgreSQL running? (make run starts one): %w",
				redactedURL(cfg.DatabaseURL), cfg.DatabaseWait, attempt, err)
		}
		wait := min(delay, remaining)
		log.Warn("database not reachable yet; retrying",
			"database", redactedURL(cfg.DatabaseURL), "attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("gave up waiting for the database: %w", ctx.Err())
		case <-time.After(wait):
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// permanent reports whether err will not go away by waiting: the server
// answered and refused us (authentication, unknown database or role).
func permanent(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return strings.HasPrefix(pgErr.Code, "28") || // invalid authorization
		pgErr.Code == "3D000" // database does not exist
}

// openMigrated connects and applies pending migrations, so a command works
// on a new database too; the caller closes the pool.
func openMigrated(ctx context.Context, cfg Config, log *slog.Logger) (*pgxpool.Pool, error) {
	pool, err := connect(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := postgres.MigrateUp(ctx, cfg.DatabaseURL); err != nil {
		pool.Close()
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	return pool, nil
}
