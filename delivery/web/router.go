// Package web serves the CRM's HTML pages: chi routes, thin handlers that
// decode a request, call one use case and render a templ component, either a
// whole page or, for htmx requests, the fragment that changed.
package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"crm/delivery/web/static"
	"crm/delivery/web/views"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// MaxBodyBytes bounds every request body; larger ones get 413.
const MaxBodyBytes = 1 << 20

// LeadService is what the pages need from the lead use cases.
type LeadService interface {
	Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error)
	Get(ctx context.Context, id int64) (*lead.Lead, error)
	List(ctx context.Context, q leads.ListQuery) (leads.Page, error)
	CountByStatus(ctx context.Context, search string) (map[lead.Status]int, error)
	Save(ctx context.Context, by string, id, version int64, f lead.Fields) (leads.Saved, error)
	Move(ctx context.Context, by string, id, version int64, to lead.Status) (leads.Saved, error)
	Delete(ctx context.Context, id, version int64) error
	historyReader
}

// Config holds what the router needs.
type Config struct {
	Leads    LeadService
	Contacts ContactService
	Deals    DealService
	// Conversion converts leads into contacts and deals.
	Conversion ConversionService
	// Auth signs reps in; Sessions keeps them signed in (its store is
	// shared by every instance). Every page but /login needs a session.
	Auth     Authenticator
	Sessions *scs.SessionManager
	// API serves /api/v1/, which authenticates by bearer token itself.
	API http.Handler
	// Live announces saves to open pages; nil turns live notices off.
	Live   LiveFeed
	Logger *slog.Logger
	// Ready reports whether the database is reachable, for /readyz.
	Ready func(context.Context) error
}

// NewRouter returns the handler for every page, health check and asset.
func NewRouter(cfg Config) http.Handler {
	s := &server{leads: cfg.Leads, contacts: cfg.Contacts, deals: cfg.Deals, conversion: cfg.Conversion,
		auth: cfg.Auth, sessions: cfg.Sessions, live: cfg.Live, log: cfg.Logger, ready: cfg.Ready}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.sessions.ErrorFunc = s.sessionStoreFailed

	r := chi.NewRouter()
	r.Use(withRequestID, securityHeaders, s.logRequests, s.recoverPanics, limitBody(MaxBodyBytes))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errPageNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errMethodNotAllowed) })

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", static.Handler())
	if cfg.API != nil {
		r.Handle("/api/v1/*", cfg.API)
	}

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave)
		r.Get("/login", s.showLogin)
		r.Post("/login", s.login)
		r.Post("/logout", s.logout)

		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			s.pages(r)
		})
	})

	// Every unsafe request a browser sends from another site is refused,
	// by its Sec-Fetch-Site or Origin header: no token to forget.
	csrf := http.NewCrossOriginProtection()
	// The API authenticates with bearer tokens, which browsers never send
	// on their own, so a forged cross-site request carries no credentials;
	// its own 401 answers such a request in the API's format.
	csrf.AddInsecureBypassPattern("/api/v1/")
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errCrossOrigin) }))
	return csrf.Handler(r)
}

// pages routes the pages reps use once signed in.
func (s *server) pages(r chi.Router) {
	r.Get("/", s.listLeads)
	r.Get("/leads", s.listLeads)
	r.Get("/leads/new", s.newLead)
	r.Post("/leads", s.createLead)
	r.Get("/leads/{id}", s.showLead)
	r.Post("/leads/{id}", s.saveLead)
	r.Post("/leads/{id}/status", s.changeStatus)
	r.Post("/leads/{id}/delete", s.deleteLead)
	r.Get("/leads/{id}/live", s.liveStream(lead.Kind, views.FieldLabels))
	r.Get("/leads/{id}/convert", s.showConvert)
	r.Post("/leads/{id}/convert", s.convertLead)

	// Contact ids are positive numbers that fit an int64; anything else is
	// no contact page, so it never reaches leadID's lead-worded 404.
	r.Get("/contacts", s.listContacts)
	r.Get("/contacts/new", s.newContact)
	r.Post("/contacts", s.createContact)
	r.Get("/contacts/{id:[1-9][0-9]{0,17}}", s.showContact)
	r.Post("/contacts/{id:[1-9][0-9]{0,17}}", s.saveContact)
	r.Get("/contacts/{id:[1-9][0-9]{0,17}}/live", s.liveStream(contact.Kind, views.ContactFieldLabels))

	// Deal ids as contact ids.
	r.Get("/deals", s.listDeals)
	r.Get("/deals/new", s.newDeal)
	r.Post("/deals", s.createDeal)
	r.Get("/deals/{id:[1-9][0-9]{0,17}}", s.showDeal)
	r.Post("/deals/{id:[1-9][0-9]{0,17}}", s.saveDeal)
	r.Post("/deals/{id:[1-9][0-9]{0,17}}/stage", s.changeDealStage)
	r.Get("/deals/{id:[1-9][0-9]{0,17}}/live", s.liveStream(deal.Kind, views.DealFieldLabels))
}

type server struct {
	leads      LeadService
	contacts   ContactService
	deals      DealService
	conversion ConversionService
	auth       Authenticator
	sessions   *scs.SessionManager
	live       LiveFeed
	log        *slog.Logger
	ready      func(context.Context) error
}

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.ready != nil {
		if err := s.ready(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unreachable\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}
