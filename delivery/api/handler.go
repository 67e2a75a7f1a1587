// Package api serves the CRM's JSON API under /api/v1. It calls the same use
// cases as the pages and makes their compare-and-swap visible over HTTP:
// every representation carries its version as a strong ETag, every write
// must name the version it starts from in If-Match (RFC 9110 conditional
// requests), and every error is an RFC 9457 problem document.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"crm/delivery/telemetry"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/auth"
	"crm/usecase/contacts"
	"crm/usecase/deals"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// Prefix is the path every route of the API starts with.
const Prefix = "/api/v1"

// LeadService is what the API needs from the lead use cases.
type LeadService interface {
	// Create stores a new lead owned by by; invalid fields are a
	// *domain.ValidationError.
	Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error)
	// Get returns the lead or an error wrapping domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*lead.Lead, error)
	// List returns one page of leads.
	List(ctx context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error)
	// Each calls fn with every lead of a view, for an export.
	Each(ctx context.Context, q leads.ListQuery, fn func(*lead.Lead) error) error
	// Update saves f onto l, as just read, at its version; a lost
	// compare-and-swap is a *conflict.Error, a broken rule a
	// *domain.RuleError.
	Update(ctx context.Context, by string, l *lead.Lead, f lead.Fields) (*lead.Lead, error)
	// MoveAt moves l, as just read, at its version; errors as Update.
	MoveAt(ctx context.Context, by string, l *lead.Lead, to lead.Status) (*lead.Lead, error)
	// Bulk makes one change to many leads, each its own write; see
	// leads.Service.Bulk for what it returns.
	Bulk(ctx context.Context, b leads.Bulk) (leads.BulkReport, error)
	// Delete moves the lead to the Trash if it is still at version; errors
	// as Update.
	Delete(ctx context.Context, by string, id, version int64) (*lead.Lead, error)
}

// ContactService is what the API needs from the contact use cases.
type ContactService interface {
	// Create stores a new contact; invalid fields are a *domain.ValidationError.
	Create(ctx context.Context, by string, f contact.Fields) (*contact.Contact, error)
	// Get returns the contact or an error wrapping domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*contact.Contact, error)
	// List returns one page of contacts.
	List(ctx context.Context, q contacts.ListQuery) (record.Page[*contact.Contact], error)
	// Update saves f onto c, as just read, at its version; a lost
	// compare-and-swap is a *conflict.Error.
	Update(ctx context.Context, by string, c *contact.Contact, f contact.Fields) (*contact.Contact, error)
}

// DealService is what the API needs from the deal use cases.
type DealService interface {
	// Create stores a new deal, in Qualification, with contact contactID; invalid fields
	// or an unknown contact are a *domain.ValidationError.
	Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error)
	// Get returns the deal or an error wrapping domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*deal.Deal, error)
	// List returns one page of deals.
	List(ctx context.Context, q deals.ListQuery) (deals.Page, error)
	// Update saves f onto d, as just read, at its version; a lost
	// compare-and-swap is a *conflict.Error.
	Update(ctx context.Context, by string, d *deal.Deal, f deal.Fields) (*deal.Deal, error)
	// MoveAt moves d, as just read, at its version, with the dates the
	// stage gates read in g; errors as Update, a move the stage table or a
	// gate refuses is a *domain.RuleError.
	MoveAt(ctx context.Context, by string, d *deal.Deal, to deal.Stage, g deal.Gate) (*deal.Deal, error)
}

// TokenAuthenticator finds who a bearer token speaks for; an unknown,
// malformed, expired or revoked token is an error wrapping
// domain.ErrUnauthenticated.
type TokenAuthenticator interface {
	AuthenticateToken(ctx context.Context, token string) (auth.Bearer, error)
}

// Config holds what the API needs.
type Config struct {
	Leads    LeadService
	Contacts ContactService
	Deals    DealService
	Views    ViewService
	Tasks    TaskService
	Entries  EntryService
	Tokens   TokenAuthenticator
	// Logger records failures whose detail must not reach the client;
	// nil means slog.Default().
	Logger *slog.Logger
	// Saves counts the writes to records by outcome; nil counts none.
	Saves telemetry.SaveCounter
	// RequestTimeout is the server's bound of one request's work, for the
	// requests whose own deadline is longer: each lead's writes in a bulk
	// change, and an export's wait for its first row. 0 for no bound but
	// the request's.
	RequestTimeout time.Duration
}

type server struct {
	leads          LeadService
	contacts       ContactService
	deals          DealService
	views          ViewService
	tasks          TaskService
	entries        EntryService
	tokens         TokenAuthenticator
	log            *slog.Logger
	saves          telemetry.SaveCounter
	requestTimeout time.Duration // see Config.RequestTimeout

	leadRes    resource[*lead.Lead, lead.Fields, leadJSON]
	contactRes resource[*contact.Contact, contact.Fields, contactJSON]
	dealRes    resource[*deal.Deal, deal.Fields, dealJSON]
	viewRes    resource[*savedview.View, savedview.Fields, viewJSON]
	taskRes    resource[*task.Task, task.Fields, taskJSON]
	entryRes   resource[*entry.Entry, entry.Fields, entryJSON]
}

// NewHandler serves every path under /api/v1/. Its routes carry the full
// prefix, so it is mounted as r.Handle("/api/v1/*", api.NewHandler(cfg)).
func NewHandler(cfg Config) http.Handler {
	s := &server{leads: cfg.Leads, contacts: cfg.Contacts, deals: cfg.Deals, views: cfg.Views, tasks: cfg.Tasks, entries: cfg.Entries, tokens: cfg.Tokens, log: cfg.Logger, saves: cfg.Saves,
		requestTimeout: cfg.RequestTimeout}
	s.leadRes = resource[*lead.Lead, lead.Fields, leadJSON]{name: lead.Kind, store: cfg.Leads, represent: newLeadJSON,
		patch: readLeadPatch, readOnly: leadReadOnly, count: s.countWrite, fresh: func(id int64) lead.Fields { return lead.Fields{Owner: id} }}
	s.contactRes = resource[*contact.Contact, contact.Fields, contactJSON]{name: contact.Kind, store: cfg.Contacts,
		represent: newContactJSON, patch: readContactPatch, count: s.countWrite, fresh: func(id int64) contact.Fields { return contact.Fields{Owner: id} }}
	s.dealRes = resource[*deal.Deal, deal.Fields, dealJSON]{name: deal.Kind, store: cfg.Deals, represent: newDealJSON,
		patch: readDealPatch, readOnly: dealReadOnly, count: s.countWrite}
	s.viewRes = resource[*savedview.View, savedview.Fields, viewJSON]{name: savedview.Kind, store: repViews{cfg.Views},
		represent: newViewJSON, patch: readViewPatch, readOnly: viewReadOnly, count: s.countWrite}
	s.taskRes = resource[*task.Task, task.Fields, taskJSON]{name: task.Kind, store: cfg.Tasks, represent: newTaskJSON,
		patch: readTaskPatch, readOnly: taskReadOnly, settled: taskSettled, settledBy: task.FieldDone, count: s.countWrite}
	s.entryRes = resource[*entry.Entry, entry.Fields, entryJSON]{name: entry.Kind, store: repEntries{cfg.Entries},
		represent: newEntryJSON, patch: readEntryPatch, readOnly: entryReadOnly, count: s.countWrite}
	if s.log == nil {
		s.log = slog.Default()
	}

	r := chi.NewRouter()
	r.Use(withRequestID, s.recoverPanics)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error { return errNoRoute }))
	r.MethodNotAllowed(s.methodNotAllowed(r))

	// The description of the API is public: a client reads it before it has
	// a token.
	r.Get(Prefix+"/openapi.yaml", serveOpenAPI)

	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, noteRep)

		r.Get(Prefix+"/leads", s.handle(s.listLeads))
		r.Get(Prefix+"/leads.csv", s.handle(s.exportLeads))
		r.Post(Prefix+"/leads", s.handle(s.createLead))
		r.Post(Prefix+"/leads/bulk", s.handle(s.bulkLeads))
		r.Get(Prefix+"/leads/{id}", s.handle(s.leadRes.show))
		r.Patch(Prefix+"/leads/{id}", s.handle(s.patchLead))
		r.Delete(Prefix+"/leads/{id}", s.handle(s.deleteLead))
		r.Post(Prefix+"/leads/{id}/status", s.handle(s.changeLeadStatus))

		r.Get(Prefix+"/contacts", s.handle(s.listContacts))
		r.Post(Prefix+"/contacts", s.handle(s.createContact))
		r.Get(Prefix+"/contacts/{id}", s.handle(s.contactRes.show))
		r.Patch(Prefix+"/contacts/{id}", s.handle(s.patchContact))

		r.Get(Prefix+"/deals", s.handle(s.listDeals))
		r.Post(Prefix+"/deals", s.handle(s.createDeal))
		r.Get(Prefix+"/deals/{id}", s.handle(s.dealRes.show))
		r.Patch(Prefix+"/deals/{id}", s.handle(s.patchDeal))
		r.Post(Prefix+"/deals/{id}/stage", s.handle(s.changeDealStage))

		r.Get(Prefix+"/views", s.handle(s.listViews))
		r.Post(Prefix+"/views", s.handle(s.createView))
		r.Get(Prefix+"/views/{id}", s.handle(s.viewRes.show))
		r.Patch(Prefix+"/views/{id}", s.handle(s.patchView))
		r.Delete(Prefix+"/views/{id}", s.handle(s.deleteView))

		r.Get(Prefix+"/tasks", s.handle(s.listTasks))
		r.Post(Prefix+"/tasks", s.handle(s.createTask))
		r.Get(Prefix+"/tasks/{id}", s.handle(s.taskRes.show))
		r.Patch(Prefix+"/tasks/{id}", s.handle(s.patchTask))
		r.Delete(Prefix+"/tasks/{id}", s.handle(s.deleteTask))
		r.Get(Prefix+"/entries", s.handle(s.listEntries))
		r.Post(Prefix+"/entries", s.handle(s.createEntry))
		r.Get(Prefix+"/entries/{id}", s.handle(s.entryRes.show))
		r.Patch(Prefix+"/entries/{id}", s.handle(s.patchEntry))
		r.Delete(Prefix+"/entries/{id}", s.handle(s.deleteEntry))
	})
	return r
}

// handle adapts a handler that returns its failure, so that every error
// goes through the one table in problem.go instead of each handler
// choosing a status itself.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// countWrite counts a write to a record of kind that ended with err, as
// the pages count theirs (telemetry.Outcome). A version found stale by the
// API's own check, before any use case ran, is stale too.
func (s *server) countWrite(kind string, err error) {
	var stale *staleError
	if errors.As(err, &stale) && s.saves != nil {
		s.saves.Count(kind, telemetry.API, telemetry.Stale)
		return
	}
	telemetry.CountSave(s.saves, kind, telemetry.API, err, false)
}

// noteRep tells the request's log line which user the token speaks for.
func noteRep(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := r.Context().Value(userKey{}).(user.User); ok {
			telemetry.NoteRep(r.Context(), u.ID)
		}
		next.ServeHTTP(w, r)
	})
}
