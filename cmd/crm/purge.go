package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"crm/infrastructure/postgres"
)

// purgeCommand runs `crm purge --older-than AGE`: records deleted more than
// AGE ago are removed for good, with their versions and history. There is
// no default age, so a purge is always asked for in so many words.
func purgeCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	olderThan := fs.String("older-than", "", "purge records deleted longer ago than this, e.g. 30d or 12h")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: purge takes no arguments besides --older-than AGE, got %q", errUsage, strings.Join(fs.Args(), " "))
	}
	if *olderThan == "" {
		return fmt.Errorf("%w: purge needs --older-than AGE, e.g. --older-than 30d", errUsage)
	}
	age, err := parseAge(*olderThan)
	if err != nil {
		return fmt.Errorf("%w: --older-than %v", errUsage, err)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	before := time.Now().Add(-age)
	return withPool(ctx, cfg, stderr, func(pool *pgxpool.Pool) error {
		n, err := postgres.NewTrashRepository(pool).Purge(ctx, before)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "purged what was deleted before %s: %d leads, %d contacts, %d deals, %d saved views, %d tasks, %d entries\n",
			before.UTC().Format(time.RFC3339), n.Leads, n.Contacts, n.Deals, n.Views, n.Tasks, n.Entries)
		return nil
	})
}

// parseAge reads an age such as "30d" (days, which time.ParseDuration
// lacks) or any Go duration ("12h", "90m"); it must be positive.
func parseAge(s string) (time.Duration, error) {
	var (
		d   time.Duration
		err error
	)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("needs a positive age such as 30d or 12h, got %q", s)
	}
	return d, nil
}
