package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"crm/infrastructure/postgres"
)

// migrate runs `migrate up`, `migrate down N` or `migrate version`.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer, action string, steps int) error {
	// Connecting first gives the same clear errors, and the same wait for a
	// database that is still starting, as serve.
	pool, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	pool.Close()

	switch action {
	case "up":
		if err := postgres.MigrateUp(ctx, cfg.DatabaseURL); err != nil {
			return err
		}
	case "down":
		if err := postgres.MigrateDown(ctx, cfg.DatabaseURL, steps); err != nil {
			return err
		}
	}
	version, dirty, err := postgres.MigrationVersion(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	switch {
	case dirty:
		fmt.Fprintf(stdout, "Schema version %d, dirty: migration %d failed part-way; fix the database by hand, then force the version.\n", version, version)
	case version == 0:
		fmt.Fprintln(stdout, "Schema version 0: no migration applied.")
	default:
		fmt.Fprintf(stdout, "Schema version %d.\n", version)
	}
	return nil
}
