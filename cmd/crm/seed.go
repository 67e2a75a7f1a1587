package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"crm/infrastructure/postgres"
)

// progressFrom is the smallest target for which seed reports progress.
const progressFrom = 1000

// seed applies pending migrations (so it works on a new database, as the
// one-shot seed service of docker-compose.yml needs), then brings the lead
// table up to at least n leads.
func seed(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer, n int, start time.Time) error {
	pool, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.MigrateUp(ctx, cfg.DatabaseURL); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}

	inserted, err := postgres.Seed(ctx, pool, n, progressPrinter(stderr, n))
	if err != nil {
		return fmt.Errorf("seed %d leads: %w", n, err)
	}
	fmt.Fprintf(stdout, "Seeded %d new leads (the database now holds at least %d) in %s.\n",
		inserted, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// progressPrinter reports each tenth of the way for large seeds, and nothing
// for small ones that finish before anyone would read it.
func progressPrinter(w io.Writer, n int) func(done, total int) {
	if n < progressFrom {
		return func(int, int) {}
	}
	printed := 0 // tenths already reported
	return func(done, total int) {
		if total <= 0 {
			return
		}
		if tenth := done * 10 / total; tenth > printed {
			printed = tenth
			fmt.Fprintf(w, "seed: %d/%d leads (%d%%)\n", done, total, done*100/total)
		}
	}
}
