package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/term"

	"crm/cmd/crm/app"
	"crm/domain"
	"crm/infrastructure/password"
	"crm/usecase/auth"
)

// newAuth wires the sign-in use cases over pool, as the app does.
func newAuth(pool *pgxpool.Pool) *auth.Service { return app.NewAuth(pool, password.Bcrypt{}) }

// userCommand runs `crm user add EMAIL --name NAME`. The password comes from
// CRM_PASSWORD, or is asked for on the terminal without echo; it never
// appears on the command line, where other users could read it.
func userCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: user needs add EMAIL --name NAME", errUsage)
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	name := fs.String("name", "", "the rep's name as banners and histories show it")
	// The email comes first on the command line; flag stops at it, so parse
	// what follows it.
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return fmt.Errorf("%w: user add needs an EMAIL before --name", errUsage)
	}
	email := args[1]
	if err := parseFlags(fs, args[2:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || *name == "" {
		return fmt.Errorf("%w: user add EMAIL --name NAME", errUsage)
	}
	pw := e.getenv("CRM_PASSWORD")
	if pw == "" {
		var err error
		if pw, err = askPassword(stderr); err != nil {
			return err
		}
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return withPool(ctx, cfg, stderr, func(pool *pgxpool.Pool) error {
		u, err := newAuth(pool).AddUser(ctx, email, *name, pw)
		var invalid *domain.ValidationError
		if errors.As(err, &invalid) {
			return fmt.Errorf("%w: %s", errConfig, invalid.Error())
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %s <%s> (user %d).\n", u.Name, u.Email, u.ID)
		return nil
	})
}

// tokenCommand runs `crm token create EMAIL` and prints the new token: the
// only time it is shown, since only its hash is stored.
func tokenCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	if len(args) != 2 || args[0] != "create" {
		return fmt.Errorf("%w: token needs create EMAIL", errUsage)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return withPool(ctx, cfg, stderr, func(pool *pgxpool.Pool) error {
		token, err := newAuth(pool).CreateToken(ctx, args[1])
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("%w: no user has the email %q; add one with `crm user add`", errConfig, args[1])
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	})
}

// withPool connects, applies pending migrations and runs fn.
func withPool(ctx context.Context, cfg Config, stderr io.Writer, fn func(*pgxpool.Pool) error) error {
	pool, err := openMigrated(ctx, cfg, newLogger(stderr, max(cfg.LogLevel, slog.LevelWarn)))
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(pool)
}

// askPassword reads a password from the terminal without echo, twice, or
// one line from standard input when it is not a terminal (a pipe).
func askPassword(stderr io.Writer) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(stderr, "Password: ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(stderr, "Again: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(first) != string(second) {
		return "", fmt.Errorf("%w: the two passwords differ", errConfig)
	}
	return string(first), nil
}
