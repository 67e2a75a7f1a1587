// Package pgtest gives each test its own fresh PostgreSQL database, cloned in
// milliseconds from a template that has the migrations applied (the pgtestdb
// approach). Tests then run in parallel without sharing rows, and a failed
// test's database is kept for inspection.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/infrastructure/postgres"
	"crm/migrations"
)

// DB is one test's database: a pool to it and its URL, for code under test
// that connects by itself (migrations, a server started by the test).
type DB struct {
	Pool *pgxpool.Pool
	URL  string
}

// New returns a fresh database with every migration applied. It is dropped
// when the test ends, unless the test failed.
func New(t testing.TB) *DB {
	t.Helper()
	return create(t, template(t))
}

// NewEmpty returns a fresh database without migrations, for testing them.
func NewEmpty(t testing.TB) *DB {
	t.Helper()
	return create(t, "template1")
}

var templates sync.Map // names of templates this process has seen complete

// template returns a migrated template database, building it if needed. Its
// name carries a hash of the migrations, so a changed migration gets a new
// template instead of a stale one.
func template(t testing.TB) string {
	t.Helper()
	sum := sha256.New()
	entries, err := migrations.FS.ReadDir(".") // sorted by name
	check(t, err)
	for _, e := range entries {
		b, err := migrations.FS.ReadFile(e.Name())
		check(t, err)
		sum.Write([]byte(e.Name() + "\x00" + string(b) + "\x00"))
	}
	name := "crm_tpl_" + hex.EncodeToString(sum.Sum(nil))[:16]
	if _, ok := templates.Load(name); ok {
		return name
	}
	// go test runs packages as parallel processes: they queue on an advisory
	// lock (released when admin closes, even if t.Fatal bails out), and the
	// template is built under a temporary name and renamed when complete, so
	// a crash half-way never leaves a broken template under the real name.
	admin := connect(t)
	defer admin.Close(context.Background())
	exec(t, admin, "SELECT pg_advisory_lock(hashtext($1))", name)
	var exists bool
	check(t, admin.QueryRow(context.Background(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists))
	if !exists {
		tmp := name + "_" + randomName()
		exec(t, admin, "CREATE DATABASE "+tmp)
		if err := postgres.MigrateUp(context.Background(), withDatabase(t, tmp)); err != nil {
			exec(t, admin, "DROP DATABASE "+tmp+" WITH (FORCE)")
			t.Fatalf("pgtest: migrate template: %v", err)
		}
		exec(t, admin, "ALTER DATABASE "+tmp+" RENAME TO "+name)
	}
	templates.Store(name, true)
	return name
}

func create(t testing.TB, template string) *DB {
	t.Helper()
	name := "crm_test_" + randomName()
	admin := connect(t)
	defer admin.Close(context.Background())
	exec(t, admin, "CREATE DATABASE "+name+" TEMPLATE "+template)
	db := &DB{URL: withDatabase(t, name)}
	var err error
	db.Pool, err = pgxpool.New(context.Background(), db.URL)
	check(t, err)
	t.Cleanup(func() {
		db.Pool.Close() // first: DROP DATABASE waits for the pool's sessions
		if t.Failed() {
			t.Logf("pgtest: kept database %s of the failed test", name)
			return
		}
		admin := connect(t)
		defer admin.Close(context.Background())
		// Plain DROP first: it waits for closing sessions and stops an
		// autovacuum worker itself, which FORCE would try to terminate and,
		// lacking superuser, fail on. FORCE only for sessions a test leaked.
		_, err := admin.Exec(context.Background(), "DROP DATABASE "+name)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55006" { // object_in_use
			exec(t, admin, "DROP DATABASE "+name+" WITH (FORCE)")
			return
		}
		check(t, err)
	})
	return db
}

// BreakListeners ends the sessions that LISTEN on this database (the
// live feeds'), as a database restart or a failover ends them, and
// returns how many it ended. The rest of the pool is left alone.
func (db *DB) BreakListeners(t testing.TB) int {
	t.Helper()
	var ended int
	check(t, db.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
		FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		  AND backend_type = 'client backend' AND query LIKE 'LISTEN%'`).Scan(&ended))
	return ended
}

// connect opens the admin connection. It uses context.Background, not
// t.Context: cleanups run after the test's context is cancelled.
func connect(t testing.TB) *pgx.Conn {
	t.Helper()
	if os.Getenv("DATABASE_URL") == "" {
		t.Fatal("pgtest: DATABASE_URL is not set; run the tests with `make test`")
	}
	conn, err := pgx.Connect(context.Background(), os.Getenv("DATABASE_URL"))
	check(t, err)
	return conn
}

// withDatabase returns DATABASE_URL pointing at database name instead.
func withDatabase(t testing.TB, name string) string {
	t.Helper()
	u, err := url.Parse(os.Getenv("DATABASE_URL"))
	check(t, err)
	u.Path = "/" + name
	return u.String()
}

func exec(t testing.TB, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
}

// randomName is lower case because PostgreSQL folds unquoted names.
func randomName() string { return strings.ToLower(rand.Text()) }
