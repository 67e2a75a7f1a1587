package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5:// scheme
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"crm/migrations"
)

// migrateLockTimeout bounds the wait for golang-migrate's advisory lock.
// Every app instance migrates at start-up; they queue on the lock and all but
// the first find nothing to do. It must exceed the slowest migration, or a
// queued instance gives up while the first is still working.
const migrateLockTimeout = time.Minute

// MigrateUp applies every migration not yet applied. Several instances may
// call it at once: they take turns and the later ones change nothing. A
// database left dirty by a failed migration is an error that asks for a human.
func MigrateUp(ctx context.Context, databaseURL string) error {
	return withMigrate(ctx, databaseURL, func(m *migrate.Migrate) error {
		if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate up: %w", explain(err))
		}
		return nil
	})
}

// MigrateDown reverts the last steps migrations; steps must be at least 1 so
// that a zero or a sign slip cannot wipe the schema.
func MigrateDown(ctx context.Context, databaseURL string, steps int) error {
	if steps < 1 {
		return fmt.Errorf("migrate down: steps must be at least 1, got %d", steps)
	}
	return withMigrate(ctx, databaseURL, func(m *migrate.Migrate) error {
		if err := m.Steps(-steps); err != nil {
			return fmt.Errorf("migrate down %d: %w", steps, explain(err))
		}
		return nil
	})
}

// MigrationVersion reports the last migration applied, 0 when none is, and
// whether it failed part-way (dirty).
func MigrationVersion(ctx context.Context, databaseURL string) (version uint, dirty bool, err error) {
	err = withMigrate(ctx, databaseURL, func(m *migrate.Migrate) error {
		version, dirty, err = m.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			version, dirty, err = 0, false, nil
		}
		if err != nil {
			return fmt.Errorf("read migration version: %w", err)
		}
		return nil
	})
	return version, dirty, err
}

// withMigrate runs fn on a migrate instance over the embedded migrations and
// always closes it: a forgotten Close leaves a connection open, and its
// session would keep the database from being dropped or used as a template.
// The driver sends each migration file as one multi-statement query, which
// PostgreSQL runs as one implicit transaction: a failing file leaves no half
// behind (only the dirty flag, which MigrateUp then reports).
func withMigrate(ctx context.Context, databaseURL string, fn func(*migrate.Migrate) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	dbURL, err := migrateURL(databaseURL)
	if err != nil {
		return err
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("read embedded migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, dbURL)
	if err != nil {
		return errors.Join(fmt.Errorf("open migrations: %w", err), src.Close())
	}
	defer func() {
		if srcErr, dbErr := m.Close(); srcErr != nil || dbErr != nil {
			err = errors.Join(err, fmt.Errorf("close migrations: %w", errors.Join(srcErr, dbErr)))
		}
	}()
	m.LockTimeout = migrateLockTimeout
	// golang-migrate takes no context; GracefulStop is its way to stop
	// between two migrations, never inside one.
	stop := context.AfterFunc(ctx, func() {
		select {
		case m.GracefulStop <- true:
		default:
		}
	})
	defer stop()
	return fn(m)
}

// migrateURL turns a postgres:// URL into the pgx5:// one golang-migrate's
// pgx v5 driver is registered under, so the app needs one DATABASE_URL.
func migrateURL(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		// url.Parse quotes its input, password and all; do not pass it on.
		return "", errors.New("parse database url: not a valid URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql", "pgx5":
		u.Scheme = "pgx5"
		return u.String(), nil
	}
	return "", fmt.Errorf("parse database url: scheme %q is not postgres://", u.Scheme)
}

// explain adds what to do to the migrate errors that need a person.
func explain(err error) error {
	var dirty migrate.ErrDirty
	switch {
	case errors.As(err, &dirty):
		return fmt.Errorf("database is dirty at migration %d (it failed part-way): repair the schema by hand, then force the version with the migrate CLI: %w", dirty.Version, err)
	case errors.Is(err, migrate.ErrLockTimeout):
		return fmt.Errorf("another instance held the migration lock for over %s: %w", migrateLockTimeout, err)
	}
	return err
}
