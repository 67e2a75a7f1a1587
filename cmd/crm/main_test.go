package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/metrics/metricstest"
	"crm/infrastructure/postgres/pgtest"
)

// getenv returns a getenv over vars, standing in for the process environment.
func getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runCrm(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, getenv(vars), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandLineMistakesShowUsageAndExit2(t *testing.T) {
	t.Parallel()
	db := map[string]string{"DATABASE_URL": "postgres://crm:crm@127.0.0.1:1/crm"}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		says string
	}{
		{"no command", nil, db, "Usage:"},
		{"unknown command", []string{"frobnicate"}, db, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--port", "80"}, db, "flag provided but not defined: -port"},
		{"serve with arguments", []string{"serve", "now"}, db, "serve takes no arguments"},
		{"migrate without action", []string{"migrate"}, db, "migrate needs up, down [N] or version"},
		{"unknown migrate action", []string{"migrate", "sideways"}, db, `unknown migrate action "sideways"`},
		{"migrate down by a non-number", []string{"migrate", "down", "all"}, db, `got "all"`},
		{"migrate down by zero", []string{"migrate", "down", "0"}, db, `got "0"`},
		{"migrate up with arguments", []string{"migrate", "up", "2"}, db, "migrate up takes no arguments"},
		{"negative seed", []string{"seed", "--leads", "-3"}, db, "--leads must be 0 or more"},
		{"seed with a bad number", []string{"seed", "--leads", "many"}, db, "invalid value"},
		{"purge without an age", []string{"purge"}, db, "purge needs --older-than AGE"},
		{"purge with a bad age", []string{"purge", "--older-than", "soon"}, db, `got "soon"`},
		{"purge with a negative age", []string{"purge", "--older-than", "-3d"}, db, `got "-3d"`},
		{"purge with arguments", []string{"purge", "--older-than", "30d", "everything"}, db, "purge takes no arguments"},
		{"missing DATABASE_URL", []string{"serve"}, nil, "DATABASE_URL is not set"},
		{"bad TRUSTED_PROXIES", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "TRUSTED_PROXIES": "10.0.0.1, proxy.local"}, `TRUSTED_PROXIES holds "proxy.local"`},
		{"bad LOG_LEVEL", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "LOG_LEVEL": "loud"}, `LOG_LEVEL="loud"`},
		{"no DB_MAX_CONNS", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "DB_MAX_CONNS": "0"}, `DB_MAX_CONNS="0" is not a whole number`},
		{"bad DB_MAX_CONNS", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "DB_MAX_CONNS": "lots"}, `DB_MAX_CONNS="lots"`},
		{"bad LIVE_NOTICES", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "LIVE_NOTICES": "no"}, `LIVE_NOTICES="no" is not on or off`},
		{"huge DB_MAX_CONNS", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x", "DB_MAX_CONNS": "9999999999"}, `DB_MAX_CONNS="9999999999"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCrm(t, tc.env, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.says)
		})
	}
}

func TestHelpGoesToStdoutAndExits0(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"seed", "-h"}} {
		code, stdout, stderr := runCrm(t, nil, args...)
		assert.Equal(t, exitOK, code, args)
		assert.Contains(t, stdout, "Commands:", args)
		assert.Empty(t, stderr, args)
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := env{getenv(map[string]string{"DATABASE_URL": "postgres://a@b/c", "LOG_LEVEL": "debug"})}.config()
	require.NoError(t, err)
	assert.Equal(t, ":8080", cfg.Addr)
	assert.Equal(t, slog.LevelDebug, cfg.LogLevel)
	assert.Equal(t, 60*time.Second, cfg.DatabaseWait)
	assert.Empty(t, cfg.TrustedProxies, "no proxy is trusted unless named")
	assert.Empty(t, cfg.MetricsAddr, "no metrics unless asked: instances may share a machine")
	assert.Zero(t, cfg.DatabaseMaxConns, "pgx's default")
}

func TestConfigMetricsAndPool(t *testing.T) {
	t.Parallel()
	cfg, err := env{getenv(map[string]string{"DATABASE_URL": "postgres://a@b/c", "METRICS_ADDR": "127.0.0.1:9091", "DB_MAX_CONNS": "12"})}.config()
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9091", cfg.MetricsAddr)
	assert.Equal(t, int32(12), cfg.DatabaseMaxConns)
	assert.False(t, cfg.LiveNoticesOff, "live notices are on unless turned off")

	cfg, err = env{getenv(map[string]string{"DATABASE_URL": "postgres://a@b/c", "LIVE_NOTICES": "off"})}.config()
	require.NoError(t, err)
	assert.True(t, cfg.LiveNoticesOff)
}

func TestConfigTrustedProxies(t *testing.T) {
	t.Parallel()
	cfg, err := env{getenv(map[string]string{"DATABASE_URL": "postgres://a@b/c", "TRUSTED_PROXIES": " 10.0.0.0/8,192.0.2.7 , ::1"})}.config()
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("::1/128")}, cfg.TrustedProxies)
}

func TestRedactedURLHidesThePassword(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "postgres://crm:xxxxx@db:5432/crm?sslmode=disable",
		redactedURL("postgres://crm:secret@db:5432/crm?sslmode=disable"))
}

func TestUnreachableDatabaseIsRetriedThenGivenUp(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	cfg := Config{DatabaseURL: "postgres://crm:crm@127.0.0.1:1/crm?sslmode=disable", DatabaseWait: 1500 * time.Millisecond}
	start := time.Now()
	_, err := connect(t.Context(), cfg, newLogger(&logs, slog.LevelInfo))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "still not reachable after 1.5s")
	assert.GreaterOrEqual(t, time.Since(start), 1500*time.Millisecond, "it waits the whole DatabaseWait")
	assert.Less(t, time.Since(start), 5*time.Second, "the wait must be bounded")
	assert.GreaterOrEqual(t, strings.Count(logs.String(), "database not reachable yet"), 2, "each retry is logged")
	assert.NotContains(t, logs.String()+err.Error(), ":crm@", "the password is never logged")
}

func TestWrongPasswordFailsAtOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), "not-the-password")
	cfg := Config{DatabaseURL: u.String(), DatabaseWait: time.Minute}

	start := time.Now()
	_, err = connect(t.Context(), cfg, newLogger(io.Discard, slog.LevelInfo))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "waiting cannot fix a wrong password")
}

func TestMigrateAndSeedCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	vars := map[string]string{"DATABASE_URL": db.URL, "LOG_LEVEL": "warn"}

	code, stdout, stderr := runCrm(t, vars, "migrate", "version")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "Schema version 0: no migration applied.\n", stdout)

	code, stdout, stderr = runCrm(t, vars, "migrate", "up")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^Schema version [1-9]\d*\.\n$`, stdout)
	top := stdout

	code, _, stderr = runCrm(t, vars, "migrate", "down", "1")
	require.Equal(t, exitOK, code, stderr)
	code, stdout, stderr = runCrm(t, vars, "migrate", "up")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, top, stdout, "down 1 then up returns to the same version")

	code, stdout, stderr = runCrm(t, vars, "seed", "--leads", "30")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Seeded 30 new leads")
	assert.Contains(t, stdout, "Seeded 16 new tasks for the demo reps.")

	code, stdout, stderr = runCrm(t, vars, "seed", "--leads", "30")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Seeded 0 new leads", "seeding is idempotent")
	assert.Contains(t, stdout, "Seeded 0 new tasks", "the demo reps have theirs")

	code, stdout, stderr = runCrm(t, vars, "purge", "--older-than", "30d")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^purged what was deleted before \S+: 0 leads, 0 contacts, 0 deals, 0 saved views, 0 tasks, 0 entries\n$`, stdout, "nothing deleted, nothing purged")
}

func TestSeedReportsProgressForLargeSeeds(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := progressPrinter(&out, 5000)
	for done := 0; done <= 5000; done += 250 {
		p(done, 5000)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Len(t, lines, 10, "one line per tenth")
	assert.Equal(t, "seed: 5000/5000 leads (100%)", lines[len(lines)-1])

	out.Reset()
	progressPrinter(&out, 10)(10, 10)
	assert.Empty(t, out.String(), "small seeds stay quiet")
}

// TestServeAnswersThenStopsOnSignal runs `crm serve` as main does and stops
// it the way SIGTERM does, by cancelling its context.
func TestServeAnswersThenStopsOnSignal(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()

	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, getenv(map[string]string{"DATABASE_URL": db.URL, "ADDR": "127.0.0.1:0"}), io.Discard, logs)
	}()
	var base string
	require.Eventually(t, func() bool {
		_, after, ok := strings.Cut(logs.String(), "open=")
		base, _, _ = strings.Cut(after, "\n")
		return ok
	}, 10*time.Second, 20*time.Millisecond, "serve never logged its address:\n%s", logs)

	res, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	stop()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
	assert.Contains(t, logs.String(), "stop signal received")
}

// TestCloseDrainsInFlightRequests starts a request that blocks, closes the
// server meanwhile, and checks the request still completes while new
// connections are refused.
func TestCloseDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	entered, release := make(chan struct{}), make(chan struct{})
	cfg := Config{
		DatabaseURL: db.URL, Addr: "127.0.0.1:0", DatabaseWait: 5 * time.Second, ShutdownTimeout: 5 * time.Second,
		wrapHandler: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					close(entered)
					<-release
					_, _ = io.WriteString(w, "finished")
					return
				}
				next.ServeHTTP(w, r)
			})
		},
	}
	s, err := Open(t.Context(), cfg, newLogger(io.Discard, slog.LevelInfo))
	require.NoError(t, err)

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		res, err := http.Get(s.URL() + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		slow <- result{string(b), err}
	}()
	<-entered

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	require.Eventually(t, func() bool {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		_, err := c.Get(s.URL() + "/healthz")
		return err != nil
	}, 5*time.Second, 10*time.Millisecond, "new connections must be refused once Close starts")
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was still running", err)
	default:
	}

	close(release)
	r := <-slow
	require.NoError(t, r.err)
	assert.Equal(t, "finished", r.body)
	assert.NoError(t, <-closed)
}

// TestMetricsAreServedOnTheirOwnListenerOnly opens the server with
// METRICS_ADDR and DB_MAX_CONNS and checks /metrics and the profiles
// answer there and nowhere else.
func TestMetricsAreServedOnTheirOwnListenerOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	logs := &syncBuffer{}
	cfg := Config{DatabaseURL: db.URL, Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", DatabaseMaxConns: 5,
		DatabaseWait: 5 * time.Second, ShutdownTimeout: 5 * time.Second}
	s, err := Open(t.Context(), cfg, newLogger(logs, slog.LevelInfo))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()
	require.NotEmpty(t, s.MetricsURL())
	assert.Contains(t, logs.String(), "serving metrics and profiles")
	assert.Contains(t, logs.String(), s.MetricsURL()+"/metrics")

	res, err := http.Get(s.URL() + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Contains(t, logs.String(), "route=/healthz status=200")

	fams := metricstest.Scrape(t, s.MetricsURL()+"/metrics")
	assert.Equal(t, 5.0, fams.Value(t, "pgxpool_max_conns", nil), "DB_MAX_CONNS bounds the serving pool")
	assert.Equal(t, 1.0, fams.Value(t, "http_request_duration_seconds", map[string]string{"route": "/healthz", "status": "2xx"}))
	res, err = http.Get(s.MetricsURL() + "/debug/pprof/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "profiles are served beside the metrics")

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/cmdline"} {
		res, err := client.Get(s.URL() + path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.NotEqual(t, http.StatusOK, res.StatusCode, "%s is not served to reps", path)
		assert.NotContains(t, string(body), "go_goroutines", path)
	}
}

func TestWithoutMetricsAddrNothingListensForMetrics(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cfg := Config{DatabaseURL: db.URL, Addr: "127.0.0.1:0", DatabaseWait: 5 * time.Second, ShutdownTimeout: 5 * time.Second}
	s, err := Open(t.Context(), cfg, newLogger(io.Discard, slog.LevelInfo))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()
	assert.Empty(t, s.MetricsURL())
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write
// while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestTokenCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	vars := map[string]string{"DATABASE_URL": db.URL, "LOG_LEVEL": "warn", "CRM_PASSWORD": "correct horse battery"}
	code, _, stderr := runCrm(t, vars, "user", "add", "ada@example.com", "--name", "Ada")
	require.Equal(t, exitOK, code, stderr)

	code, stdout, stderr := runCrm(t, vars, "token", "create", "ada@example.com", "--ttl", "30d", "--read-only")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.Regexp(t, `^crm_[A-Za-z0-9_-]{43}$`, lines[len(lines)-1], "the token alone on the last line")
	assert.Regexp(t, `token 1 for ada@example.com, read-only, expires \S+`, stderr)
	code, _, stderr = runCrm(t, vars, "token", "create", "ada@example.com")
	require.Equal(t, exitOK, code, stderr)

	code, stdout, stderr = runCrm(t, vars, "token", "list")
	require.Equal(t, exitOK, code, stderr)
	listed := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, listed, 2)
	assert.Regexp(t, `^2\tada@example.com\tread-write\tcreated \S+\texpires \S+\tlast used never\tactive$`, listed[0], "newest first, id first")
	assert.Regexp(t, `^1\tada@example.com\tread-only\t`, listed[1])

	code, stdout, stderr = runCrm(t, vars, "token", "revoke", "1")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "revoked token 1 of ada@example.com\n", stdout)
	code, stdout, _ = runCrm(t, vars, "token", "list", "ADA@example.com")
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `(?m)^1\t.*\trevoked \S+$`, stdout)

	for args, says := range map[string]string{
		"token revoke 99":                      "there is no token 99",
		"token create nobody@example.com":      "no user has that email",
		"token create ada@example.com --ttl x": `--ttl needs a positive age`,
		"token revoke one":                     "a token ID, a whole number",
		"token rotate":                         `unknown token action "rotate"`,
	} {
		code, _, stderr := runCrm(t, vars, strings.Fields(args)...)
		assert.NotEqual(t, exitOK, code, args)
		assert.Contains(t, stderr, says, args)
	}
}
