package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/usecase/auth"
)

// progressFrom is the smallest target for which seed reports progress.
const progressFrom = 1000

// seedSizes are how many of each kind of record seed brings the database
// up to.
type seedSizes struct{ leads, contacts, deals int }

// seed applies pending migrations (so it works on a new database, as the
// one-shot seed service of docker-compose.yml needs), then brings the lead
// table up to at least n.leads leads, and the contacts and deals up to
// theirs.
func seed(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer, n seedSizes, start time.Time) error {
	pool, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	// The reps first: the seeded records are theirs.
	if err := seedReps(ctx, newAuth(pool), stdout); err != nil {
		return err
	}
	inserted, err := postgres.Seed(ctx, pool, n.leads, progressPrinter(stderr, n.leads))
	if err != nil {
		return fmt.Errorf("seed %d leads: %w", n.leads, err)
	}
	fmt.Fprintf(stdout, "Seeded %d new leads (the database now holds at least %d) in %s.\n",
		inserted, n.leads, time.Since(start).Round(time.Millisecond))
	if n.contacts > 0 || n.deals > 0 {
		contacts, deals, err := postgres.SeedRecords(ctx, pool, n.contacts, n.deals)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Seeded %d new contacts and %d new deals.\n", contacts, deals)
	}
	logged, err := postgres.SeedEntries(ctx, pool, seedTimelines, demoEmails())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Logged %d notes, calls and meetings on the leads' timelines.\n", logged)
	return seedTasks(ctx, pool, stdout, time.Now())
}

// seedTimelines is how many leads seed logs a note, a call and a meeting
// on, by the demo reps: enough for the first pages of the list to show
// live timelines.
const seedTimelines = 50

func demoEmails() []string {
	out := make([]string, len(demoReps))
	for i, r := range demoReps {
		out[i] = r.email
	}
	return out
}

// demoReps are the two reps a demo database gets, to try conflicts with two
// browsers. Their passwords are public: this is demo data only.
var demoReps = []struct{ email, name, password string }{
	{"maria@example.com", "Maria Silva", "maria-demo-password"},
	{"john@example.com", "John Smith", "john-demo-password"},
}

// seedReps adds the demo reps that do not exist yet and prints how to sign
// in as each. A rep that exists keeps its password.
func seedReps(ctx context.Context, a *auth.Service, stdout io.Writer) error {
	fmt.Fprintln(stdout, "Demo reps (sign in at /login):")
	for _, r := range demoReps {
		u, err := a.AddUser(ctx, r.email, r.name, r.password, user.RoleRep)
		var invalid *domain.ValidationError
		switch {
		case errors.As(err, &invalid) && invalid.For(user.FieldEmail) != "":
			fmt.Fprintf(stdout, "  %-18s  password: %s (added by an earlier seed, unless changed since)\n", r.email, r.password)
			continue
		case err != nil:
			return fmt.Errorf("add demo rep %s: %w", r.email, err)
		}
		fmt.Fprintf(stdout, "  %-18s  password: %s  (%s)\n", r.email, r.password, u.Role)
	}
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
