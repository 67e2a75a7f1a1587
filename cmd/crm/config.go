package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"crm/infrastructure/postgres"
)

// errConfig marks a missing or malformed environment variable.
var errConfig = errors.New("configuration")

// Config is everything the commands read from the environment, plus the
// timings serve works with (fixed in production, shortened by tests).
type Config struct {
	DatabaseURL string
	Addr        string
	LogLevel    slog.Level
	// SecureCookies marks session cookies Secure, for HTTPS deployments.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (TRUSTED_PROXIES: addresses or CIDR prefixes, commas
	// between).
	TrustedProxies []netip.Prefix
	// MetricsAddr is where serve answers /metrics and /debug/pprof/
	// (METRICS_ADDR); "" serves neither, so that instances sharing a
	// machine do not compete for one port.
	MetricsAddr string
	// DatabaseMaxConns bounds the pool's connections (DB_MAX_CONNS); 0
	// keeps pgx's default.
	DatabaseMaxConns int32
	// LiveNoticesOff turns live notices off (LIVE_NOTICES=off): saves
	// announce nothing and pages open no stream, for a database reached
	// through a pooler that cannot LISTEN.
	LiveNoticesOff bool

	// DatabaseWait bounds how long start-up waits for the database.
	DatabaseWait time.Duration
	// DatabaseTimeouts bound each statement on the server; serve sets
	// postgres.ServingTimeouts, the bulk commands none.
	DatabaseTimeouts postgres.Timeouts
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// once a stop signal arrives. Below Docker's default 10 s grace period.
	ShutdownTimeout time.Duration

	// wrapHandler, when set by a test, wraps the router (e.g. to add a
	// request that blocks, to watch the drain).
	wrapHandler func(http.Handler) http.Handler
}

// Defaults for what the environment does not set.
const (
	defaultAddr            = ":8080"
	defaultDatabaseWait    = 60 * time.Second
	defaultShutdownTimeout = 8 * time.Second
)

// env reads the process environment; it is the only reader of it.
type env struct {
	getenv func(string) string
}

// config reads DATABASE_URL (required), ADDR, SECURE_COOKIES,
// TRUSTED_PROXIES, LOG_LEVEL, METRICS_ADDR, DB_MAX_CONNS and LIVE_NOTICES.
func (e env) config() (Config, error) {
	cfg := Config{
		DatabaseURL:     e.getenv("DATABASE_URL"),
		Addr:            e.getenv("ADDR"),
		MetricsAddr:     e.getenv("METRICS_ADDR"),
		DatabaseWait:    defaultDatabaseWait,
		ShutdownTimeout: defaultShutdownTimeout,
	}
	if cfg.DatabaseURL == "" {
		return Config{}, fmt.Errorf("%w: DATABASE_URL is not set; set it to a PostgreSQL URL such as postgres://crm:crm@127.0.0.1:5432/crm?sslmode=disable (scripts/db.sh prints one)", errConfig)
	}
	if cfg.Addr == "" {
		cfg.Addr = defaultAddr
	}
	switch v := e.getenv("SECURE_COOKIES"); v {
	case "", "false", "0":
	case "true", "1":
		cfg.SecureCookies = true
	default:
		return Config{}, fmt.Errorf("%w: SECURE_COOKIES=%q is not true or false", errConfig, v)
	}
	for _, item := range strings.Split(e.getenv("TRUSTED_PROXIES"), ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return Config{}, fmt.Errorf("%w: TRUSTED_PROXIES holds %q, which is neither an address nor a prefix such as 10.0.0.0/8", errConfig, item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	if v := e.getenv("DB_MAX_CONNS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1 {
			return Config{}, fmt.Errorf("%w: DB_MAX_CONNS=%q is not a whole number of connections of 1 or more", errConfig, v)
		}
		cfg.DatabaseMaxConns = int32(n)
	}
	switch v := e.getenv("LIVE_NOTICES"); v {
	case "", "on":
	case "off":
		cfg.LiveNoticesOff = true
	default:
		return Config{}, fmt.Errorf("%w: LIVE_NOTICES=%q is not on or off", errConfig, v)
	}
	if lvl := e.getenv("LOG_LEVEL"); lvl != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			return Config{}, fmt.Errorf("%w: LOG_LEVEL=%q is not one of debug, info, warn, error", errConfig, lvl)
		}
	}
	return cfg, nil
}

// redactedURL is the database URL without its password, safe to log.
func redactedURL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// newLogger logs text lines to w at level and above.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
