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
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/term"

	"crm/cmd/crm/app"
	"crm/domain"
	"crm/domain/user"
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
	roleName := fs.String("role", string(user.RoleRep), "rep or admin (the first user is admin anyway)")
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
		return fmt.Errorf("%w: user add EMAIL --name NAME [--role rep|admin]", errUsage)
	}
	role, err := user.ParseRole(*roleName)
	if err != nil {
		return fmt.Errorf("%w: --role is rep or admin, got %q", errUsage, *roleName)
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
		u, err := newAuth(pool).AddUser(ctx, email, *name, pw, role)
		var invalid *domain.ValidationError
		if errors.As(err, &invalid) {
			return fmt.Errorf("%w: %s", errConfig, invalid.Error())
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %s <%s> (user %d, %s).\n", u.Name, u.Email, u.ID, u.Role)
		return nil
	})
}

// tokenCommand runs `crm token create EMAIL` and prints the new token: the
// tokenCommand runs `crm token create EMAIL [--ttl AGE] [--read-only]`,
// `crm token list [EMAIL]` and `crm token revoke ID`. create prints the
// token alone on its last line, so scripts can take it with tail -1.
func tokenCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: token needs create EMAIL, list [EMAIL] or revoke ID", errUsage)
	}
	var run func(*auth.Service) error
	switch action, rest := args[0], args[1:]; action {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		ttl := fs.String("ttl", "", "how long the token lives, e.g. 90d or 12h (default 90d)")
		readOnly := fs.Bool("read-only", false, "the token may only read")
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return fmt.Errorf("%w: token create needs an EMAIL before its flags", errUsage)
		}
		email := rest[0]
		if err := parseFlags(fs, rest[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("%w: token create EMAIL [--ttl AGE] [--read-only], got %q", errUsage, strings.Join(fs.Args(), " "))
		}
		o := auth.TokenOptions{ReadOnly: *readOnly}
		if *ttl != "" {
			d, err := parseAge(*ttl)
			if err != nil {
				return fmt.Errorf("%w: --ttl %v", errUsage, err)
			}
			o.TTL = d
		}
		run = func(svc *auth.Service) error {
			token, t, err := svc.CreateToken(ctx, email, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "token %d for %s, %s, expires %s\n", t.ID, t.UserEmail, access(t), t.ExpiresAt.UTC().Format(time.RFC3339))
			fmt.Fprintln(stdout, token)
			return nil
		}
	case "list":
		if len(rest) > 1 {
			return fmt.Errorf("%w: token list takes at most one EMAIL", errUsage)
		}
		email := ""
		if len(rest) == 1 {
			email = rest[0]
		}
		run = func(svc *auth.Service) error {
			ts, err := svc.Tokens(ctx, email)
			if err != nil {
				return err
			}
			now := time.Now()
			for _, t := range ts {
				fmt.Fprintf(stdout, "%d\t%s\t%s\tcreated %s\texpires %s\tlast used %s\t%s\n", t.ID, t.UserEmail, access(t),
					day(t.CreatedAt), day(t.ExpiresAt), day(t.LastUsedAt), state(t, now))
			}
			return nil
		}
	case "revoke":
		if len(rest) != 1 {
			return fmt.Errorf("%w: token revoke needs one ID (see crm token list)", errUsage)
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || id < 1 {
			return fmt.Errorf("%w: token revoke needs a token ID, a whole number, got %q", errUsage, rest[0])
		}
		run = func(svc *auth.Service) error {
			t, err := svc.RevokeToken(ctx, id)
			if errors.Is(err, domain.ErrNotFound) {
				return fmt.Errorf("%w: there is no token %d (see crm token list)", errConfig, id)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "revoked token %d of %s\n", t.ID, t.UserEmail)
			return nil
		}
	default:
		return fmt.Errorf("%w: unknown token action %q", errUsage, action)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return withPool(ctx, cfg, stderr, func(pool *pgxpool.Pool) error {
		err := run(newAuth(pool))
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("%w: no user has that email; add one with `crm user add`", errConfig)
		}
		return err
	})
}

// access says what a token may do.
func access(t auth.Token) string {
	if t.ReadOnly {
		return "read-only"
	}
	return "read-write"
}

// state says whether a token works at now.
func state(t auth.Token, now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked " + day(t.RevokedAt)
	case !t.Active(now):
		return "expired"
	}
	return "active"
}

// day is a date for a listing, "never" for none.
func day(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02")
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
