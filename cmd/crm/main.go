// Command crm runs the lead CRM: its web server, its database migrations and a
// seeder for demo data. It only wires things together: configuration is read
// from the environment here and nowhere else, and every behaviour lives in the
// packages it calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Exit codes: 0 success, 1 the command failed, 2 it was called wrongly.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `crm runs the lead CRM.

Usage:
  crm <command> [arguments]

Commands:
  serve              apply pending migrations, then serve the web app on ADDR
  migrate up         apply every pending migration
  migrate down [N]   roll back the last N migrations (default 1)
  migrate version    print the schema version the database is at
  seed [--leads N] [--contacts N] [--deals N]
                     apply pending migrations, then add demo leads until there are at least N (default 200),
                     and contacts and deals beyond the converted leads' up to the numbers given
                     and the two demo reps (their credentials are printed)
  user add EMAIL --name NAME [--role rep|admin]
                     add a rep (or an admin) who can sign in; the password comes from CRM_PASSWORD or a
                     prompt; the first user of a CRM is its admin
  token create EMAIL [--ttl AGE] [--read-only]
                     print a new API bearer token for the rep with EMAIL, alone on the last line (only its
                     hash is stored); it expires after AGE (default 90d); --read-only tokens cannot write
  token list [EMAIL] list the tokens (of EMAIL, or everyone's), one a line, id first
  token revoke ID    revoke token ID at once
  import leads|contacts FILE.csv [--dry-run] [--update] [--as NAME]
                     import a CSV file, its columns mapped from their headers: print what each row came to
                     (created, updated, duplicate, invalid, conflict) and a summary; --dry-run writes nothing;
                     --update updates the records whose email a row has instead of skipping those rows; the
                     records are saved by NAME (default "import"); an interrupted import resumes when run again
  purge --older-than AGE
                     remove for good the records deleted longer ago than AGE (e.g. 30d), with their
                     versions and history; until then the Trash can restore them
  help               show this help

Environment:
  DATABASE_URL  PostgreSQL URL, e.g. postgres://crm:crm@127.0.0.1:5432/crm?sslmode=disable (required)
  ADDR          address serve listens on (default :8080)
  LOG_LEVEL     debug, info, warn or error (default info)
  SECURE_COOKIES  true when the app is served over HTTPS: session cookies are then Secure (default false)
  TRUSTED_PROXIES reverse proxies (addresses or prefixes, commas between) whose X-Forwarded-For names the client
  METRICS_ADDR  private address serve answers /metrics and /debug/pprof/ on (default: none)
  DB_MAX_CONNS  most connections to PostgreSQL (default: the larger of 4 and the CPUs)
  LIVE_NOTICES  off to send and show no live notices, e.g. behind a pooler that cannot LISTEN (default on)
  CRM_PASSWORD  the password for user add, instead of the prompt
`

// errUsage marks a command line that cannot be run; the usage is shown.
var errUsage = errors.New("usage")

func main() {
	// The first SIGINT/SIGTERM cancels ctx, letting serve drain; the signal
	// handler is then released, so a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. getenv is
// the only way configuration reaches the program.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}

	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "crm: unknown command %q\n\n%s", name, usage)
		return exitUsage
	}
	err := cmd(ctx, rest, env{getenv}, stdout, stderr)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "crm %s: %v\n\n%s", name, err, usage)
		return exitUsage
	case errors.Is(err, errConfig):
		fmt.Fprintf(stderr, "crm %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "crm %s: %v\n", name, err)
		return exitFail
	}
}

// command runs one subcommand with the arguments after its name.
type command func(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error

var commands = map[string]command{
	"serve":   serveCommand,
	"migrate": migrateCommand,
	"seed":    seedCommand,
	"user":    userCommand,
	"token":   tokenCommand,
	"purge":   purgeCommand,
	"import":  importCommand,
}

// parseFlags parses args with fs, keeping the flag package's own messages
// off stderr: the caller prints one message and the usage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s", errUsage, err.Error())
	}
	return nil
}

func serveCommand(ctx context.Context, args []string, e env, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, strings.Join(fs.Args(), " "))
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return serve(ctx, cfg, newLogger(stderr, cfg.LogLevel))
}

func migrateCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: migrate needs up, down [N] or version", errUsage)
	}
	action, rest := fs.Arg(0), fs.Args()[1:]
	steps := 0
	switch action {
	case "up", "version":
		if len(rest) > 0 {
			return fmt.Errorf("%w: migrate %s takes no arguments, got %q", errUsage, action, strings.Join(rest, " "))
		}
	case "down":
		steps = 1
		switch {
		case len(rest) > 1:
			return fmt.Errorf("%w: migrate down takes at most one number, got %q", errUsage, strings.Join(rest, " "))
		case len(rest) == 1:
			n, err := strconv.Atoi(rest[0])
			if err != nil || n < 1 {
				return fmt.Errorf("%w: migrate down N needs a whole number of migrations ≥ 1, got %q", errUsage, rest[0])
			}
			steps = n
		}
	default:
		return fmt.Errorf("%w: unknown migrate action %q", errUsage, action)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return migrate(ctx, cfg, newLogger(stderr, cfg.LogLevel), stdout, action, steps)
}

// defaultSeedLeads is how many demo leads seed makes without --leads.
const defaultSeedLeads = 200

func seedCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("leads", defaultSeedLeads, "bring the database up to at least this many leads")
	contacts := fs.Int("contacts", 0, "then bring the contacts up to at least this many (beyond converted leads')")
	deals := fs.Int("deals", 0, "then bring the deals up to at least this many (beyond converted leads')")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: seed takes no arguments besides --leads, --contacts and --deals, got %q", errUsage, strings.Join(fs.Args(), " "))
	}
	for flag, v := range map[string]int{"leads": *n, "contacts": *contacts, "deals": *deals} {
		if v < 0 {
			return fmt.Errorf("%w: --%s must be 0 or more, got %d", errUsage, flag, v)
		}
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	start := time.Now()
	return seed(ctx, cfg, newLogger(stderr, cfg.LogLevel), stdout, stderr, seedSizes{*n, *contacts, *deals}, start)
}
