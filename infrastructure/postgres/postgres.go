// Package postgres stores the CRM's aggregates in PostgreSQL with pgx and
// migrates its schema with golang-migrate. It implements the repository
// interfaces the use cases declare; every write is a compare-and-swap on the
// aggregate's version, so no save can silently overwrite another.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Connect opens a connection pool to databaseURL and checks that the database
// answers, so a wrong URL or password fails at start-up instead of on the
// first request. Later outages do not need a new pool: pgxpool replaces
// broken connections by itself once the database is back.
func Connect(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
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
