package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
	"crm/usecase/entries"
	"crm/usecase/record"
	"crm/usecase/timeline"
)

// EntryService is what the pages need from the entry use cases: the use
// cases as one rep sees entries (see entries.Service.For).
type EntryService interface {
	For(rep user.User) *entries.Rep
}

// repEntries serves the entry's pages (recordPages) the entries as the rep
// of each request sees them.
type repEntries struct{ svc EntryService }

var _ recordService[*entry.Entry, entry.Fields] = repEntries{}

func (e repEntries) of(ctx context.Context) *entries.Rep {
	u, _ := views.CurrentUser(ctx)
	return e.svc.For(u)
}

func (e repEntries) Get(ctx context.Context, id int64) (*entry.Entry, error) {
	return e.of(ctx).Get(ctx, id)
}

func (e repEntries) History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	return e.of(ctx).History(ctx, id, p)
}

func (e repEntries) Save(ctx context.Context, by string, id, version int64, f entry.Fields) (record.Saved[*entry.Entry], error) {
	return e.of(ctx).Save(ctx, by, id, version, f)
}

func (e repEntries) Delete(ctx context.Context, by string, id, version int64) (*entry.Entry, error) {
	return e.of(ctx).Delete(ctx, by, id, version)
}

func (e repEntries) Restore(ctx context.Context, by string, id, version int64) (*entry.Entry, error) {
	return e.of(ctx).Restore(ctx, by, id, version)
}

func (e repEntries) RestoreAndSave(ctx context.Context, by string, id, version int64, f entry.Fields) (record.Saved[*entry.Entry], error) {
	return e.of(ctx).RestoreAndSave(ctx, by, id, version, f)
}

// newEntryPages describes an entry's page, where its author edits it with
// the conflict handling of every record. Entries are logged from their
// record's page (logEntry), so the kind has no create form.
func newEntryPages(s *server, svc EntryService) *recordPages[*entry.Entry, entry.Fields] {
	return &recordPages[*entry.Entry, entry.Fields]{
		s: s, kind: entry.Kind, labels: views.EntryFieldLabels, fields: entry.EditableFields, svc: repEntries{svc},
		notices: map[string]string{"restored": "Restored.", "saved": "Saved."},
		inputs:  entry.EditableFields, decode: decodeEntryForm, form: views.EntryForm,
		page:   func(v views.EntryView) templ.Component { return views.EntryPage(v) },
		editor: func(v views.EntryView) templ.Component { return views.EntryEditor(v) },
		// An entry has no list: its delete goes back to its record's timeline.
		deletedTo: func(e *entry.Entry) string {
			return views.RecordURL(e.RecordRef().Kind, e.RecordRef().ID) + "#" + views.HistoryID(e.RecordRef().Kind)
		},
	}
}

// decodeEntryForm reads an entry's fields (see recordPages.decode): an
// empty duration is none, anything else must be a whole number of minutes.
func decodeEntryForm(r *http.Request) (map[string]string, entry.Fields, error) {
	values := formValues(r, entry.EditableFields...)
	f := entry.Fields{Type: entry.Type(values[entry.FieldType]), Body: values[entry.FieldBody],
		Outcome: entry.Outcome(values[entry.FieldOutcome])}
	raw := strings.TrimSpace(values[entry.FieldDuration])
	if raw == "" {
		return values, f, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		invalid := &domain.ValidationError{}
		invalid.Add(entry.FieldDuration, "The duration is a whole number of minutes, such as 15.")
		return values, f, withDomainMessages(invalid, f.Normalize().Validate(), entry.FieldDuration)
	}
	f.Duration = n
	return values, f, nil
}

// timelineRoutes serves what the timelines of leads, contacts and deals
// add to their pages: the log form's post and an admin's hide.
func (s *server) timelineRoutes(r chi.Router) {
	if s.entries == nil {
		return
	}
	s.entryPages.routes(r)
	for _, kind := range entry.RecordKinds {
		r.Post("/"+kind+"s/{id}/entries", s.handle(func(w http.ResponseWriter, r *http.Request) error { return s.logEntry(w, r, kind) }))
	}
	r.Post("/entries/{id}/hide", s.handle(s.hideEntry))
}

// timelineKind reports whether the pages of kind show a timeline.
func (s *server) timelineKind(kind string) bool {
	return s.entries != nil && slices.Contains(entry.RecordKinds, kind)
}

// timeline reads a page of the timeline of record kind id, after the
// cursor after ("" for the newest), as the signed-in rep sees it.
func (s *server) timeline(ctx context.Context, kind string, h historyReader, id int64, after string) (views.HistoryView, error) {
	cursor, err := timeline.Parse(after)
	if err != nil {
		return views.HistoryView{}, &badRequest{msg: "The timeline's cursor is not valid."}
	}
	u, _ := views.CurrentUser(ctx)
	sources := []timeline.Source{timeline.Entries{Reader: s.entries.For(u)}, timeline.History{Reader: h}}
	if s.tasks != nil {
		sources = append(sources, timeline.TasksDone{Reader: s.tasks})
	}
	t := timeline.New(sources...)
	page, err := t.Read(ctx, entry.Ref{Kind: kind, ID: id}, cursor, historyPageSize)
	if errors.Is(err, timeline.ErrBadCursor) {
		return views.HistoryView{}, &badRequest{msg: "The timeline's cursor is not valid."}
	}
	if err != nil {
		return views.HistoryView{}, err
	}
	v := views.HistoryView{Kind: kind, RecordID: id, Timeline: true, Log: views.BlankLog(kind)}
	for _, it := range page.Items {
		v.Items = append(v.Items, views.TimelineItem{Event: it.Event, Entry: it.Entry, Done: it.Done})
	}
	if page.Next != nil {
		v.After = page.Next.String()
	}
	return v, nil
}

// logEntry logs a note, a call, an email or a meeting on record kind {id}
// for the signed-in rep. For htmx the answer is the log form, empty again,
// saying what it logged, and the entry on top of the timeline; a plain
// post goes back to the record's page.
func (s *server) logEntry(w http.ResponseWriter, r *http.Request, kind string) error {
	id, err := pathID(r, kind)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	form := views.BlankLog(kind)
	form.Values = formValues(r, append(slices.Clone(entry.EditableFields), views.FieldOccurredAt)...)
	_, f, err := decodeEntryForm(r)
	at, ok := occurredAt(form.Values[views.FieldOccurredAt], views.Location(r.Context()))
	if !ok {
		invalid := &domain.ValidationError{}
		invalid.Add(views.FieldOccurredAt, "Say when as a date and a time, such as 2026-11-29T14:30.")
		err = withDomainMessages(invalid, errOr(err, f.Normalize().Validate()), views.FieldOccurredAt)
	}
	var e *entry.Entry
	if err == nil {
		e, err = s.entries.For(me(r)).Create(r.Context(), entry.Ref{Kind: kind, ID: id}, f, at)
	}
	switch {
	case err == nil && isHTMX(r):
		done := views.BlankLog(kind)
		done.Logged = views.LoggedMessage(e)
		s.render(w, r, http.StatusCreated, nil, views.Logged(kind, id, done, e))
		return nil
	case err == nil:
		redirect(w, r, views.RecordURL(kind, id)+"#"+views.HistoryID(kind))
		return nil
	case isInvalid(err):
		form.Errors = fieldErrors(err)
		s.render(w, r, http.StatusUnprocessableEntity, views.LogPage(kind, id, form), views.Log(kind, id, form))
		return nil
	}
	return err
}

// errOr is err, or else the domain's verdict on the fields.
func errOr(err, validated error) error {
	if err != nil {
		return err
	}
	return validated
}

// occurredAt reads the log form's "when", a datetime-local value in the
// rep's zone; empty is now. It reports whether raw was either.
func occurredAt(raw string, loc *time.Location) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Now(), true
	}
	t, err := time.ParseInLocation(views.OccurredAtLayout, raw, loc)
	return t, err == nil
}

// hideEntry hides or unhides an entry for an admin, from the version they
// saw. For htmx the answer is the entry's item as it is now; a plain post
// goes back to the record's page.
func (s *server) hideEntry(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, entry.Kind)
	if err != nil {
		return err
	}
	var hidden bool
	switch r.PostForm.Get("hidden") {
	case "yes":
		hidden = true
	case "no":
	default:
		return &badRequest{msg: "Say whether to hide the entry: yes or no."}
	}
	e, err := s.entries.For(me(r)).Hide(r.Context(), id, version, hidden)
	if err != nil {
		return err
	}
	if !isHTMX(r) {
		redirect(w, r, views.RecordURL(e.RecordRef().Kind, e.RecordRef().ID)+"#"+views.HistoryID(e.RecordRef().Kind))
		return nil
	}
	s.render(w, r, http.StatusOK, nil, views.EntryItem(e))
	return nil
}
