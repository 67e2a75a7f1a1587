package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"crm/delivery/telemetry"
	"crm/delivery/web/views"
)

type ctxKey int

const requestIDKey ctxKey = iota

// withRequestID tags each request with a random id that error pages show and
// logs record, so a rep's report can be matched to a log line.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [6]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushing SSE).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// RequestObserver records the requests the router serves by the pattern
// of their route, never the path, whose ids would make the series without
// bound.
type RequestObserver interface {
	// Route declares, at start-up, a route the router serves, so that its
	// series exist before its first request.
	Route(method, pattern string)
	// ObserveRequest records one request: its route's pattern
	// ("unmatched" when none matched), the status answered and how long
	// it took.
	ObserveRequest(method, route string, status int, took time.Duration)
}

// unmatchedRoute is the route of a request no route matched: a 404, a
// 405, a cross-site write refused before routing.
const unmatchedRoute = "unmatched"

// apiRoute is where the API is mounted. Its router is handed the whole
// path and its routes carry the prefix (see api.NewHandler).
const apiRoute = "/api/v1/*"

// recordRequests logs one line per request and tells the observer, if
// any, how it went. The rep is found by the handlers inside (noteRep),
// the route once the router has matched one.
func (s *server) recordRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(telemetry.WithRep(r.Context()))
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK // what net/http sends for a handler that wrote nothing
		}
		route := routePattern(r)
		if s.requests != nil {
			s.requests.ObserveRequest(r.Method, route, rec.status, took)
		}
		attrs := []any{"method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status, "duration", took,
			"request_id", requestID(r.Context())}
		if rep := telemetry.Rep(r.Context()); rep != 0 {
			attrs = append(attrs, "rep", rep)
		}
		s.log.InfoContext(r.Context(), "request", attrs...)
	})
}

// routePattern is the pattern of the route that served r, once served.
// chi joins the patterns of nested routers, which would make the API's
// "/api/v1/*" + "/api/v1/leads/{id}" read "/api/v1/api/v1/leads/{id}":
// the API's router matches the whole path, so its own pattern is the
// route.
func routePattern(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || len(rctx.RoutePatterns) == 0 {
		return unmatchedRoute
	}
	if p := rctx.RoutePatterns; p[0] == apiRoute {
		if len(p) == 1 {
			return unmatchedRoute // the API found no route of its own
		}
		return p[len(p)-1]
	}
	return rctx.RoutePattern()
}

// declareRoutes declares every route of r to o, those of the API's router
// among them, by method; a route for any method (the static files) is
// declared for GET, the one it answers.
func declareRoutes(r chi.Routes, o RequestObserver) {
	for _, route := range r.Routes() {
		if h, ok := route.Handlers["*"]; ok {
			if sub, ok := h.(chi.Routes); ok && route.Pattern == apiRoute {
				declareRoutes(sub, o)
			} else {
				o.Route(http.MethodGet, route.Pattern)
			}
			continue
		}
		for method := range route.Handlers {
			o.Route(method, route.Pattern)
		}
	}
}

// noteRep tells the request's log line which rep is signed in.
func noteRep(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := views.CurrentUser(r.Context()); ok {
			telemetry.NoteRep(r.Context(), u.ID)
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into the generic 500 page; the stack goes to
// the log, never to the response.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds each request body to n bytes, and a file upload's to
// MaxUploadBytes, so the server never buffers more whatever a client
// sends.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := n
			if isUpload(r) {
				limit = MaxUploadBytes
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// contentSecurityPolicy allows only this site's own scripts, styles and
// images: no inline script can run, so markup that slipped through escaping
// still cannot execute, and no other site may frame the pages.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Pages and API answers carry personal data: no cache keeps them.
		// The static files set their own caching.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// textQuery refuses, with 400, a page request whose query holds anything
// but text: invalid UTF-8 or a control character (NUL among them, which
// PostgreSQL refuses in text and would turn into a 500). Every query
// parameter of every page is checked here once, as parseForm checks
// every posted field.
func (s *server) textQuery(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		for key, vals := range r.URL.Query() {
			for _, v := range append(vals, key) {
				if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
					return &badRequest{msg: "The address holds characters that are not text; nothing was read."}
				}
			}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// withDeadline gives every request the server's timeout, so whatever it
// waits on (a frozen database, a full pool) gives up and answers 503 in
// time. A stream (live notices, an import's progress) is meant to stay
// open: it gets no deadline, and its reads get their own. An export (.csv)
// lasts as long as its download and bounds its own wait for the first row
// (see leadcsv.Serve). A file upload and its dry run read the whole file,
// and get importDeadline. A bulk change gets BulkTimeout, and as long to
// write its answer.
func (s *server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/live") || strings.HasSuffix(r.URL.Path, "/progress") || strings.HasSuffix(r.URL.Path, ".csv") {
			next.ServeHTTP(w, r)
			return
		}
		timeout := s.timeout
		switch {
		case isUpload(r):
			timeout = max(timeout, importDeadline)
		case isBulk(r):
			timeout = BulkTimeout
			// The server's write timeout counts from the request; an answer
			// that cannot be written could not say what was changed.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(BulkTimeout + s.timeout))
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
