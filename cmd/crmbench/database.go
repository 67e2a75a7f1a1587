package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"crm/cmd/crm/app"
	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/password"
	"crm/usecase/auth"
)

// database is the bench's own database, seeded, with the reps who sign in.
type database struct {
	url  string
	pool *pgxpool.Pool // the raw clients' pool: as many connections as clients
	reps []rep
}

// rep is a bench user, with a password for pages and a token for the API.
type rep struct {
	email, password, token string
}

func (d *database) close() { d.pool.Close() }

// benchReps sign in; one per client of the largest concurrency would be
// realistic but slow to set up (bcrypt), and nothing per rep is limited on
// the paths measured.
const benchReps = 8

// provision creates the bench database when missing, seeds it to o.leads
// leads with the app's own seed (reused when already there) and adds the
// reps.
func provision(ctx context.Context, o options, say func(string, ...any), log io.Writer) (*database, error) {
	if err := onThisMachine(o.databaseURL); err != nil {
		return nil, err
	}
	benchURL, err := withDatabase(o.databaseURL, o.database)
	if err != nil {
		return nil, err
	}
	if err := createDatabase(ctx, o.databaseURL, o.database, say); err != nil {
		return nil, err
	}
	// Contacts and deals at a fifth of the leads each: 200,000 of each
	// beside a million leads, the scale their lists are measured at.
	records := o.leads / 5
	say("seeding %s to %d leads, %d contacts and %d deals with %s seed (a no-op when already there)", o.database, o.leads, records, records, o.app)
	seed := exec.CommandContext(ctx, o.app, "seed", "--leads", fmt.Sprint(o.leads),
		"--contacts", fmt.Sprint(records), "--deals", fmt.Sprint(records))
	seed.Env = append(os.Environ(), "DATABASE_URL="+benchURL, "LOG_LEVEL=warn")
	seed.Stdout, seed.Stderr = log, log
	if err := seed.Run(); err != nil {
		return nil, fmt.Errorf("seed the bench database with %s: %w", o.app, err)
	}
	cfg, err := pgxpool.ParseConfig(benchURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.MaxConns = int32(max(o.levels[len(o.levels)-1], 32) + 4)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open the bench pool: %w", err)
	}
	db := &database{url: benchURL, pool: pool}
	if db.reps, err = addReps(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	// Fresh statistics, so the first measurement does not pay for them.
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE leads`); err != nil {
		pool.Close()
		return nil, fmt.Errorf("vacuum leads: %w", err)
	}
	return db, nil
}

// onThisMachine refuses a database elsewhere: the bench floods what it
// measures and must never be pointed at a shared server.
func onThisMachine(rawURL string) error {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	hosts := []string{cfg.Host}
	for _, f := range cfg.Fallbacks {
		hosts = append(hosts, f.Host)
	}
	for _, h := range hosts {
		if strings.HasPrefix(h, "/") || h == "localhost" {
			continue // a Unix socket, or this machine by name
		}
		if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
			continue
		}
		return fmt.Errorf("DATABASE_URL names host %q: the bench runs only against this machine (127.0.0.1, ::1, localhost or a socket)", h)
	}
	return nil
}

// withDatabase is rawURL naming database name instead.
func withDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// createDatabase creates database name unless it exists. Its commits do
// not wait for the disk (synchronous_commit off, for this database only),
// so the flush rate of this machine's disk does not hide the CPU cost the
// bench compares; a crash could lose the last saves of a bench, nothing
// else.
func createDatabase(ctx context.Context, adminURL, name string, say func(string, ...any)) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to create the bench database: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	if !exists {
		say("creating database %s", name)
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+ident); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+ident+` SET synchronous_commit = off`); err != nil {
		return fmt.Errorf("set synchronous_commit of %s: %w", name, err)
	}
	return nil
}

// addReps adds the bench's reps, or resets their passwords when an earlier
// run added them, and gives each a fresh API token.
func addReps(ctx context.Context, pool *pgxpool.Pool) ([]rep, error) {
	// The lowest bcrypt cost: signing in is not what is measured.
	a := app.NewAuth(pool, password.Bcrypt{Cost: bcrypt.MinCost})
	reps := make([]rep, benchReps)
	for i := range reps {
		r := rep{email: fmt.Sprintf("bench%d@example.com", i+1), password: "bench-password-" + fmt.Sprint(i+1)}
		_, err := a.AddUser(ctx, r.email, fmt.Sprintf("Bench Rep %d", i+1), r.password, user.RoleRep)
		var invalid *domain.ValidationError
		if errors.As(err, &invalid) && invalid.For(user.FieldEmail) != "" {
			err = resetPassword(ctx, a, r)
		}
		if err != nil {
			return nil, fmt.Errorf("add bench rep %s: %w", r.email, err)
		}
		if err := revokeTokens(ctx, a, r.email); err != nil {
			return nil, err
		}
		if r.token, _, err = a.CreateToken(ctx, r.email, auth.TokenOptions{}); err != nil {
			return nil, fmt.Errorf("token for bench rep %s: %w", r.email, err)
		}
		reps[i] = r
	}
	return reps, nil
}

// resetPassword gives rep r, added by an earlier run, its password again.
func resetPassword(ctx context.Context, a *auth.Service, r rep) error {
	users, err := a.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Email == r.email {
			_, err := a.Change(ctx, u.ID, u.Role, false, r.password)
			return err
		}
	}
	return fmt.Errorf("rep %s exists but is not listed", r.email)
}

// revokeTokens revokes the tokens earlier runs gave rep email.
func revokeTokens(ctx context.Context, a *auth.Service, email string) error {
	tokens, err := a.Tokens(ctx, email)
	if err != nil {
		return fmt.Errorf("list tokens of %s: %w", email, err)
	}
	for _, t := range tokens {
		if t.RevokedAt.IsZero() {
			if _, err := a.RevokeToken(ctx, t.ID); err != nil {
				return fmt.Errorf("revoke token %d of %s: %w", t.ID, email, err)
			}
		}
	}
	return nil
}
