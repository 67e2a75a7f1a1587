package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
	"crm/usecase/entries"
	"crm/usecase/record"
)

// EntryService is what the API needs from the entry use cases: the use
// cases as the token's user sees entries (see entries.Service.For).
// Through them a hidden entry is not found but by an admin, and a change
// only its author may make is a *domain.ForbiddenError.
type EntryService interface {
	For(rep user.User) *entries.Rep
}

// entryJSON is the representation of an entry.
type entryJSON struct {
	ID         int64     `json:"id"`
	Version    int64     `json:"version"`
	Type       string    `json:"type"`
	Body       string    `json:"body"`
	Outcome    string    `json:"outcome"`
	Duration   int       `json:"duration"`
	RecordKind string    `json:"record_kind"`
	RecordID   int64     `json:"record_id"`
	AuthorID   int64     `json:"author_id"`
	Author     string    `json:"author"`
	OccurredAt time.Time `json:"occurred_at"`
	Hidden     bool      `json:"hidden"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
}

func newEntryJSON(e *entry.Entry) entryJSON {
	f, rec, a := e.Fields(), e.RecordRef(), e.Author()
	return entryJSON{ID: e.ID(), Version: e.Version(), Type: string(f.Type), Body: f.Body, Outcome: string(f.Outcome),
		Duration: f.Duration, RecordKind: rec.Kind, RecordID: rec.ID, AuthorID: a.ID, Author: a.Name,
		OccurredAt: e.OccurredAt().UTC(), Hidden: e.Hidden(),
		CreatedAt: e.CreatedAt().UTC(), UpdatedAt: e.UpdatedAt().UTC(), UpdatedBy: e.UpdatedBy()}
}

// readEntryPatch reads the members of an entry a body may set; see
// resource.patch.
func readEntryPatch(o *jsonObject) func(entry.Fields) (entry.Fields, error) {
	typ, body, outcome := o.text(entry.FieldType), o.text(entry.FieldBody), o.text(entry.FieldOutcome)
	duration := o.int(entry.FieldDuration, "15")
	return func(f entry.Fields) (entry.Fields, error) {
		if typ != nil {
			f.Type = entry.Type(*typ)
		}
		set(&f.Body, body)
		if outcome != nil {
			f.Outcome = entry.Outcome(*outcome)
		}
		set(&f.Duration, duration)
		return f, nil
	}
}

// entryReadOnly explains the members only an entry has that a body may not
// set.
var entryReadOnly = map[string]string{
	"record_kind": "Read-only: an entry stays on the record it was logged on.",
	"record_id":   "Read-only: an entry stays on the record it was logged on.",
	"author":      "Read-only: an entry belongs to the user who logs it.",
	"author_id":   "Read-only: an entry belongs to the user who logs it.",
	"occurred_at": "Read-only once logged.",
	"hidden":      "Read-only: an admin hides an entry in the app.",
}

// repEntries reads entries as the user of each request sees them, for
// resource.store.
type repEntries struct{ svc EntryService }

func (e repEntries) Get(ctx context.Context, id int64) (*entry.Entry, error) {
	return e.svc.For(me(ctx)).Get(ctx, id)
}

// listEntries answers a record's entries, newest first by when they
// happened, paged by the id of the last one shown; a hidden one is listed
// for an admin only.
func (s *server) listEntries(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var problems []fieldError
	rec := entry.Ref{Kind: q.Get("record_kind")}
	if !slices.Contains(entry.RecordKinds, rec.Kind) {
		problems = append(problems, fieldError{Field: "record_kind", Message: "Required: lead, contact or deal."})
	}
	if rec.ID, err = strconv.ParseInt(q.Get("record_id"), 10, 64); err != nil || rec.ID < 1 {
		problems = append(problems, fieldError{Field: "record_id", Message: "Required: the record's id, such as 42."})
	}
	if len(problems) > 0 {
		return queryError(problems)
	}
	rep := s.entries.For(me(r.Context()))
	es, err := rep.OfRecord(r.Context(), rec, page.After, page.Size()+1)
	if err != nil {
		return err
	}
	p := record.Page[*entry.Entry]{Items: []*entry.Entry{}}
	for i, e := range es {
		if i == page.Size() {
			p.Next = es[i-1].ID()
			break
		}
		if e.VisibleTo(rep.User()) {
			p.Items = append(p.Items, e)
		}
	}
	return s.entryRes.list(w, p)
}

// createEntry logs an entry for the token's user on the record the body
// names, as having happened at occurred_at (now when absent).
func (s *server) createEntry(w http.ResponseWriter, r *http.Request) error {
	return s.entryRes.create(w, r, func(o *jsonObject) func(*http.Request) (*entry.Entry, error) {
		apply := readEntryPatch(o)
		kind := o.text("record_kind")
		o.require("record_kind", `"lead"`)
		id, _ := o.integer("record_id", "42")
		o.require("record_id", "42")
		var at time.Time
		if raw := o.text("occurred_at"); raw != nil {
			t, err := time.Parse(time.RFC3339, *raw)
			if err != nil {
				o.problem("occurred_at", "Must be a date and time in RFC 3339, such as 2026-11-29T14:30:00Z.")
			}
			at = t
		}
		return func(r *http.Request) (*entry.Entry, error) {
			f, err := apply(entry.Fields{})
			if err != nil {
				return nil, err
			}
			rec := entry.Ref{ID: id}
			if kind != nil {
				rec.Kind = *kind
			}
			e, err := s.entries.For(me(r.Context())).Create(r.Context(), rec, f, at)
			// The record is named in the body, not the address: one that
			// is missing or in the Trash is a mistake in the request.
			var missing *domain.NotFoundError
			var deleted *domain.DeletedError
			switch {
			case errors.As(err, &missing):
				return nil, &domain.ValidationError{Fields: []domain.FieldError{{Field: "record_id", Message: fmt.Sprintf("There is no %s %d.", rec.Kind, rec.ID)}}}
			case errors.As(err, &deleted):
				return nil, &domain.ValidationError{Fields: []domain.FieldError{{Field: "record_id", Message: fmt.Sprintf("The %s %d is in the Trash: restore it to log on it.", rec.Kind, rec.ID)}}}
			}
			return e, err
		}
	})
}

func (s *server) patchEntry(w http.ResponseWriter, r *http.Request) error {
	return s.entryRes.patchWith(w, r, func(ctx context.Context, by string, e *entry.Entry, f entry.Fields) (*entry.Entry, error) {
		return s.entries.For(me(ctx)).Update(ctx, by, e, f)
	})
}

func (s *server) deleteEntry(w http.ResponseWriter, r *http.Request) error {
	return s.entryRes.deleteWith(w, r, func(ctx context.Context, by string, id, version int64) (*entry.Entry, error) {
		return s.entries.For(me(ctx)).Delete(ctx, by, id, version)
	})
}
