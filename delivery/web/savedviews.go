package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"crm/delivery/leadquery"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/usecase/record"
	"crm/usecase/savedviews"
)

// ViewService is what the pages need from the saved view use cases: the
// use cases as one rep sees views (see savedviews.Service.For).
type ViewService interface {
	For(rep user.User) *savedviews.Rep
}

// repViews serves a kind's pages (recordPages) the views as the rep of
// each request sees them: whoever is signed in, read from the request's
// context, is the rep the use cases act for.
type repViews struct{ svc ViewService }

var _ recordService[*savedview.View, savedview.Fields] = repViews{}

func (v repViews) of(ctx context.Context) *savedviews.Rep {
	u, _ := views.CurrentUser(ctx)
	return v.svc.For(u)
}

func (v repViews) Get(ctx context.Context, id int64) (*savedview.View, error) {
	return v.of(ctx).Get(ctx, id)
}

func (v repViews) History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	return v.of(ctx).History(ctx, id, p)
}

func (v repViews) Save(ctx context.Context, by string, id, version int64, f savedview.Fields) (record.Saved[*savedview.View], error) {
	return v.of(ctx).Save(ctx, by, id, version, f)
}

func (v repViews) Delete(ctx context.Context, by string, id, version int64) (*savedview.View, error) {
	return v.of(ctx).Delete(ctx, by, id, version)
}

func (v repViews) Restore(ctx context.Context, by string, id, version int64) (*savedview.View, error) {
	return v.of(ctx).Restore(ctx, by, id, version)
}

func (v repViews) RestoreAndSave(ctx context.Context, by string, id, version int64, f savedview.Fields) (record.Saved[*savedview.View], error) {
	return v.of(ctx).RestoreAndSave(ctx, by, id, version, f)
}

// newViewPages describes the saved view's pages every kind of record has.
// A view saved from the lead list's "Save this view…" goes back to the
// list, showing it as the current tab.
func newViewPages(s *server, svc ViewService) *recordPages[*savedview.View, savedview.Fields] {
	return &recordPages[*savedview.View, savedview.Fields]{
		s: s, kind: savedview.Kind, labels: views.ViewFieldLabels, fields: savedview.EditableFields, svc: repViews{svc},
		notices: map[string]string{"deleted": "View deleted: it is in the Trash, where it can be restored.", "restored": "Restored from the Trash.", "saved": "Saved."},
		inputs:  savedview.EditableFields, decode: decodeViewForm, form: views.ViewForm,
		page:   func(v views.ViewView) templ.Component { return views.ViewPage(v) },
		editor: func(v views.ViewView) templ.Component { return views.ViewEditor(v) },
		blank: func(r *http.Request) views.Form {
			return views.Form{Prefix: savedview.Kind, Values: map[string]string{savedview.FieldQuery: cameFrom(r)}}
		},
		newFields: func(form views.Form) templ.Component { return views.NewViewFields(form) },
		create: func(r *http.Request, f savedview.Fields, invalid error) (*savedview.View, error) {
			if invalid != nil {
				return nil, invalid
			}
			return svc.For(me(r)).Create(r.Context(), f)
		},
		created: openedAfterSaving,
	}
}

// viewSavedNotice is the lead list's notice after a view was saved from it.
const viewSavedNotice = "view-saved"

// openedAfterSaving is the lead list showing view v, just saved, and
// saying so.
func openedAfterSaving(v *savedview.View) string {
	q, _ := url.ParseQuery(v.Fields().Query) // stored as the list writes it
	q.Set("notice", viewSavedNotice)
	return "/leads?" + q.Encode()
}

// useQueryInput is the "Update to this view" button of a view's page: it
// posts the edit form with the lead list's view the rep came from, which
// replaces the form's query.
const useQueryInput = "use_query"

// decodeViewForm reads a view form (see recordPages.decode). The shared
// field is a choice of yes or no in the edit form, and a checkbox in the
// create forms, which sends nothing when unticked: there, missing is no.
func decodeViewForm(r *http.Request) (map[string]string, savedview.Fields, error) {
	values := formValues(r, savedview.EditableFields...)
	if use, ok := r.PostForm[useQueryInput]; ok {
		values[savedview.FieldQuery] = use[0]
	}
	f := savedview.Fields{Name: values[savedview.FieldName], Query: values[savedview.FieldQuery]}
	if _, ok := r.PostForm[savedview.FieldShared]; !ok {
		values[savedview.FieldShared] = savedview.SharedNo
		return values, f, nil
	}
	shared, err := savedview.ParseShared(values[savedview.FieldShared])
	f.Shared = shared
	invalid := &domain.ValidationError{}
	if !errors.As(err, &invalid) {
		return values, f, nil
	}
	return values, f, withDomainMessages(invalid, f.Normalize().Validate(), savedview.FieldShared)
}

// cameFrom is the lead list's view a rep came to a view's page from, as
// the list writes it: its ?from=, or for a request htmx sends from that
// page, the page's own (htmx names the page in HX-Current-URL). "" when
// there is none, or it is not a view of the list.
func cameFrom(r *http.Request) string {
	from, ok := r.URL.Query()[fromParam]
	if !ok && isHTMX(r) {
		if page, err := url.Parse(r.Header.Get(headerHXCurrentURL)); err == nil {
			from, ok = page.Query()[fromParam]
		}
	}
	if !ok {
		return ""
	}
	q, err := leadquery.Canonical(from[0])
	if err != nil {
		return ""
	}
	return q
}

// fromParam names the lead list's view in the address of a view's page.
const fromParam = "from"

// headerHXCurrentURL is the request header in which htmx names the page a
// request comes from.
const headerHXCurrentURL = "HX-Current-URL"

// withListView puts the lead list's view the rep came from (cameFrom) in
// the context of the view pages' requests, for their "Update to this
// view" and "Save this view".
func withListView(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(views.WithListView(r.Context(), cameFrom(r))))
	})
}

// viewRoutes routes the saved views' pages: the list of a rep's views and
// each view's own pages.
func (s *server) viewRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(withListView)
		r.Get("/views", s.handle(s.listViews))
		s.viewPages.routes(r)
	})
}

// listViews answers the page of the views the rep sees: theirs and the
// team's, each with a link to open it and one to edit it.
func (s *server) listViews(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.views.For(me(r)).List(r.Context())
	if err != nil {
		return err
	}
	v := views.ViewListView{Views: vs, From: cameFrom(r), Notice: s.viewPages.notices[r.URL.Query().Get("notice")]}
	page := views.ViewListPage(v) // no fragment: nothing swaps part of it
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

// leadListViews are the saved views the lead list shows as tabs, for the
// rep of r, with the one the list shows now (its view as the list writes
// it) marked. Like the history, a failure to read them is logged and the
// list shown without them rather than failed.
func (s *server) leadListViews(r *http.Request, current string) views.SavedViews {
	tabs := views.SavedViews{Current: current}
	if s.views == nil {
		return tabs
	}
	vs, err := s.views.For(me(r)).List(r.Context())
	if err != nil {
		s.log.WarnContext(r.Context(), "saved views unavailable", "err", err, "request_id", requestID(r.Context()))
		tabs.Unavailable = true
		return tabs
	}
	tabs.Views = vs
	return tabs
}
