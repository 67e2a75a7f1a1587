package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"crm/cmd/crm/app"
	"crm/infrastructure/metrics"
	"crm/infrastructure/postgres"
)

// HTTP server timeouts. Slow or idle clients cannot hold connections open
// forever; WriteTimeout leaves room for the slowest page.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
)

// The metrics listener has no write timeout: a CPU profile or a trace
// streams for as long as it was asked to (30 s by default).
const metricsReadHeaderTimeout = 5 * time.Second

// Server is the running web app: the database pool, the router and the HTTP
// server around them, and the metrics server when METRICS_ADDR asks for
// one. Open starts it, Close drains and stops it; tests open one on ADDR
// ":0".
type Server struct {
	log             *slog.Logger
	pool            *pgxpool.Pool
	http            *http.Server
	addr            net.Addr
	metrics         *http.Server // nil without METRICS_ADDR
	metricsAddr     net.Addr
	served          chan error // receives Serve's result when it stops on its own
	cancelRequests  context.CancelFunc
	shutdownTimeout time.Duration
}

// Open waits for the database, applies pending migrations, listens on
// cfg.Addr (and cfg.MetricsAddr, if set) and starts serving in the
// background.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	cfg.DatabaseTimeouts = postgres.ServingTimeouts
	pool, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	version, _, err := postgres.MigrationVersion(ctx, cfg.DatabaseURL)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("read migration version: %w", err)
	}
	log.Info("database ready", "database", redactedURL(cfg.DatabaseURL), "schema_version", version)

	var measured *metrics.Metrics
	if cfg.MetricsAddr != "" {
		measured = metrics.New()
	}
	crm := app.New(pool, app.Options{Logger: log, SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies,
		Metrics: measured, LiveNoticesOff: cfg.LiveNoticesOff})
	// The live feed and the session sweep run until shutdown begins; the
	// feed then ends every stream so the drain does not wait on open pages.
	background, stopBackground := context.WithCancel(context.Background())
	go crm.Run(background)
	router := crm.Handler

	if cfg.wrapHandler != nil {
		router = cfg.wrapHandler(router)
	}

	ln, metricsLn, err := listen(cfg)
	if err != nil {
		stopBackground()
		pool.Close()
		return nil, err
	}

	// Every request context derives from this one, so requests still running
	// when the drain times out are cancelled and release their connections.
	requests, cancel := context.WithCancel(context.Background())
	s := &Server{
		log:  log,
		pool: pool,
		http: &http.Server{
			Handler:           router,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
			BaseContext:       func(net.Listener) context.Context { return requests },
		},
		addr:            ln.Addr(),
		served:          make(chan error, 1),
		cancelRequests:  cancel,
		shutdownTimeout: cfg.ShutdownTimeout,
	}
	s.http.RegisterOnShutdown(stopBackground)
	if metricsLn != nil {
		s.metrics = &http.Server{
			Handler:           measured.Handler(),
			ReadHeaderTimeout: metricsReadHeaderTimeout,
			IdleTimeout:       idleTimeout,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		s.metricsAddr = metricsLn.Addr()
		go func() {
			if err := s.metrics.Serve(metricsLn); !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server stopped; the app goes on serving without it", "err", err)
			}
		}()
		log.Info("serving metrics and profiles", "addr", s.metricsAddr.String(),
			"metrics", s.MetricsURL()+"/metrics", "pprof", s.MetricsURL()+"/debug/pprof/")
	}
	go func() { s.served <- s.http.Serve(ln) }()
	log.Info("serving", "addr", s.addr.String(), "open", s.URL())
	return s, nil
}

// listen listens on cfg.Addr and, when it is set, on cfg.MetricsAddr
// (private is nil otherwise).
func listen(cfg Config) (public, private net.Listener, err error) {
	public, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s (set ADDR to use another address): %w", cfg.Addr, err)
	}
	if cfg.MetricsAddr == "" {
		return public, nil, nil
	}
	private, err = net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		public.Close()
		return nil, nil, fmt.Errorf("listen on %s for metrics (set METRICS_ADDR to another address, or unset it): %w", cfg.MetricsAddr, err)
	}
	return public, private, nil
}

// URL is where a browser on this machine reaches the server.
func (s *Server) URL() string { return localURL(s.addr) }

// MetricsURL is where /metrics and /debug/pprof/ are served on this
// machine, "" without METRICS_ADDR.
func (s *Server) MetricsURL() string {
	if s.metricsAddr == nil {
		return ""
	}
	return localURL(s.metricsAddr)
}

// localURL is the http URL of addr from this machine.
func localURL(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d", tcp.Port)
	}
	return "http://" + addr.String()
}

// Close stops accepting connections, waits up to the shutdown timeout for
// in-flight requests, cancels whatever still runs, then stops the metrics
// server and closes the pool.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	start := time.Now()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("requests still running after the shutdown timeout; cancelling them", "timeout", s.shutdownTimeout)
		s.cancelRequests()
		err = s.http.Close()
	}
	s.cancelRequests()
	if serveErr := <-s.served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if s.metrics != nil {
		// Last, so the drain can be watched; a scrape or a profile still
		// running is of no use once the app has stopped.
		err = errors.Join(err, s.metrics.Close())
	}
	s.pool.Close()
	s.log.Info("stopped", "drained_in", time.Since(start).Round(time.Millisecond))
	return err
}

// serve runs the web app until ctx is cancelled (SIGINT or SIGTERM), then
// drains and stops it.
func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	s, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		log.Info("stop signal received; draining in-flight requests", "timeout", cfg.ShutdownTimeout)
		return s.Close()
	case err := <-s.served:
		s.served <- err // Close reads it again
		return errors.Join(fmt.Errorf("http server stopped: %w", err), s.Close())
	}
}
