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

// Server is the running web app: the database pool, the router and the HTTP
// server around them. Open starts it, Close drains and stops it; tests open
// one on ADDR ":0".
type Server struct {
	log             *slog.Logger
	pool            *pgxpool.Pool
	http            *http.Server
	addr            net.Addr
	served          chan error // receives Serve's result when it stops on its own
	cancelRequests  context.CancelFunc
	shutdownTimeout time.Duration
}

// Open waits for the database, applies pending migrations, listens on
// cfg.Addr and starts serving in the background.
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

	crm := app.New(pool, app.Options{Logger: log, SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies})
	// The live feed and the session sweep run until shutdown begins; the
	// feed then ends every stream so the drain does not wait on open pages.
	background, stopBackground := context.WithCancel(context.Background())
	go crm.Run(background)
	router := crm.Handler

	if cfg.wrapHandler != nil {
		router = cfg.wrapHandler(router)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopBackground()
		pool.Close()
		return nil, fmt.Errorf("listen on %s (set ADDR to use another address): %w", cfg.Addr, err)
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
	go func() { s.served <- s.http.Serve(ln) }()
	log.Info("serving", "addr", s.addr.String(), "open", s.URL())
	return s, nil
}

// URL is where a browser on this machine reaches the server.
func (s *Server) URL() string {
	if tcp, ok := s.addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d", tcp.Port)
	}
	return "http://" + s.addr.String()
}

// Close stops accepting connections, waits up to the shutdown timeout for
// in-flight requests, cancels whatever still runs, then closes the pool.
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
