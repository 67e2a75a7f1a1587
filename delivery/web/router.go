// Package web serves the CRM's HTML pages: chi routes, thin handlers that
// decode a request, call one use case and render a templ component, either a
// whole page or, for htmx requests, the fragment that changed.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"crm/delivery/telemetry"
	"crm/delivery/web/static"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
)

// MaxBodyBytes bounds every request body but a file upload's
// (MaxUploadBytes); larger ones get 413.
const MaxBodyBytes = 1 << 20

// Config holds what the router needs.
type Config struct {
	Leads    LeadService
	Contacts ContactService
	Deals    DealService
	// Views are the saved views of the lead list; nil serves the list
	// without them.
	Views ViewService
	// Tasks are the reps' tasks, assigned to Users.
	Tasks TaskService
	// Entries are the notes and logged activities of the timelines of
	// leads, contacts and deals; nil shows their plain history.
	Entries EntryService
	// Conversion converts leads into contacts and deals.
	Conversion ConversionService
	// Trash lists deleted records of every kind.
	Trash TrashService
	// Dashboard builds the dashboard, the first page a rep sees.
	Dashboard DashboardService
	// Admin manages users and tokens, purges and reads the audit log.
	Admin AdminService
	// LeadImports and ContactImports import CSV files of leads and of
	// contacts.
	LeadImports, ContactImports ImportService
	// Auth signs reps in; Sessions keeps them signed in (its store is
	// shared by every instance). Every page but /login needs a session.
	Auth     Authenticator
	Sessions *scs.SessionManager
	// API serves /api/v1/, which authenticates by bearer token itself.
	API http.Handler
	// Users are who records can belong to; nil shows owners by number.
	Users UserDirectory
	// Live announces saves to open pages; nil turns live notices off.
	Live   LiveFeed
	Logger *slog.Logger
	// Ready reports whether the database is reachable, for /readyz.
	Ready func(context.Context) error
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; none when the app faces clients directly.
	TrustedProxies []netip.Prefix
	// RequestTimeout bounds every request but a live stream: past it the
	// database calls it waits on are abandoned and it answers 503.
	// 0 for DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Requests records every request by route; nil records none.
	Requests RequestObserver
	// Saves counts the saves and moves of records by outcome; nil counts
	// none.
	Saves telemetry.SaveCounter
}

// DefaultRequestTimeout bounds a request: longer than any page takes,
// shorter than a rep's patience, so a frozen database answers 503 rather
// than hanging every request and filling the pool.
const DefaultRequestTimeout = 10 * time.Second

// readyTimeout bounds the database ping of /readyz: a load balancer asks
// often and must hear "no" quickly.
const readyTimeout = time.Second

// NewRouter returns the handler for every page, health check and asset.
func NewRouter(cfg Config) http.Handler {
	s := &server{leads: cfg.Leads, contacts: cfg.Contacts, deals: cfg.Deals, views: cfg.Views, tasks: cfg.Tasks, entries: cfg.Entries, conversion: cfg.Conversion,
		trash: cfg.Trash, dashboard: cfg.Dashboard, admin: cfg.Admin, users: cfg.Users, auth: cfg.Auth, sessions: cfg.Sessions, live: cfg.Live, log: cfg.Logger, ready: cfg.Ready,
		timeout: cfg.RequestTimeout, proxies: cfg.TrustedProxies, requests: cfg.Requests, saves: cfg.Saves}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.timeout == 0 {
		s.timeout = DefaultRequestTimeout
	}
	s.leadPages = newLeadPages(s, cfg.Leads)
	s.contactPages = newContactPages(s, cfg.Contacts)
	s.dealPages = newDealPages(s, cfg.Deals)
	s.leadImports = &importPages{s: s, svc: cfg.LeadImports, kind: lead.Kind}
	s.contactImports = &importPages{s: s, svc: cfg.ContactImports, kind: contact.Kind}
	s.viewPages = newViewPages(s, cfg.Views)
	s.taskPages = newTaskPages(s, cfg.Tasks)
	s.entryPages = newEntryPages(s, cfg.Entries)
	// A view saved from the lead list opens it, which says so.
	s.leadPages.notices[viewSavedNotice] = "View saved: it is a tab above the statuses."
	s.sessions.ErrorFunc = s.sessionStoreFailed

	// Every unsafe request a browser sends from another site is refused,
	// by its Sec-Fetch-Site or Origin header: no token to forget.
	csrf := http.NewCrossOriginProtection()
	// The API authenticates with bearer tokens, which browsers never send
	// on their own, so a forged cross-site request carries no credentials;
	// its own 401 answers such a request in the API's format.
	csrf.AddInsecureBypassPattern("/api/v1/")
	csrf.SetDenyHandler(s.handle(func(http.ResponseWriter, *http.Request) error { return errCrossOrigin }))

	r := chi.NewRouter()
	// The refusal of a cross-site write is logged and measured like any
	// other answer, and its page quotes a request id.
	r.Use(withRequestID, securityHeaders, s.recordRequests, csrf.Handler, s.recoverPanics, limitBody(MaxBodyBytes), s.withDeadline)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error { return errPageNotFound }))
	r.MethodNotAllowed(s.handle(func(http.ResponseWriter, *http.Request) error { return errMethodNotAllowed }))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", static.Handler())
	r.Handle("/favicon.ico", static.Favicon())
	if cfg.API != nil {
		r.Handle(apiRoute, cfg.API)
	}

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave)
		r.Get("/login", s.handle(s.showLogin))
		r.Post("/login", s.handle(s.login))
		r.Post("/logout", s.handle(s.logout))

		r.Group(func(r chi.Router) {
			// The sign-in page reads only next, which safeNext cleans: a
			// link with a mangled next still lets the rep sign in.
			r.Use(s.textQuery, s.requireUser, noteRep, s.withTasks)
			s.pages(r)
		})
	})

	if s.requests != nil {
		declareRoutes(r, s.requests)
	}
	return r
}

// pages routes the pages reps use once signed in.
func (s *server) pages(r chi.Router) {
	r.Get("/", s.handle(s.showDashboard))
	r.Get("/dashboard", s.handle(s.showDashboard))
	r.Get(RepNoticesPath, s.handle(s.repNotices))
	r.Get("/leads", s.handle(s.listLeads))
	r.Get("/leads.csv", s.handle(s.exportLeads))
	newLeadBoard(s).routes(r)
	s.leadImports.routes(r)
	r.Post("/leads/bulk", s.handle(s.bulkLeads))
	s.leadPages.routes(r)
	r.Get("/leads/{id}/convert", s.handle(s.showConvert))
	r.Post("/leads/{id}/convert", s.handle(s.convertLead))

	r.Get("/contacts", s.handle(s.listContacts))
	s.contactImports.routes(r)
	s.contactPages.routes(r)

	r.Get("/deals", s.handle(s.listDeals))
	newDealBoard(s).routes(r)
	s.dealPages.routes(r)

	s.viewRoutes(r)
	s.taskRoutes(r)
	s.timelineRoutes(r)

	r.Get("/trash", s.handle(s.showTrash))
	r.Post("/me/time-zone", s.handle(s.setTimeZone))
	s.adminRoutes(r)
}

type server struct {
	leads      LeadService
	contacts   ContactService
	deals      DealService
	views      ViewService
	tasks      TaskService
	entries    EntryService
	conversion ConversionService
	trash      TrashService
	dashboard  DashboardService
	admin      AdminService
	users      UserDirectory
	auth       Authenticator
	sessions   *scs.SessionManager
	live       LiveFeed
	streams    streams // the live notices open per rep
	log        *slog.Logger
	ready      func(context.Context) error
	timeout    time.Duration // of a request, see withDeadline
	proxies    []netip.Prefix
	requests   RequestObserver
	saves      telemetry.SaveCounter

	leadPages    *recordPages[*lead.Lead, lead.Fields]
	contactPages *recordPages[*contact.Contact, contact.Fields]
	dealPages    *recordPages[*deal.Deal, deal.Fields]

	leadImports, contactImports *importPages
	viewPages                   *recordPages[*savedview.View, savedview.Fields]
	taskPages                   *recordPages[*task.Task, task.Fields]
	entryPages                  *recordPages[*entry.Entry, entry.Fields]
}

// handle adapts a handler that returns its failure, so that every error
// goes through the one table in errors.go instead of each handler
// answering it itself.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			s.log.WarnContext(r.Context(), "not ready", "err", err)
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unreachable\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}
