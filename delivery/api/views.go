package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"crm/domain/savedview"
	"crm/domain/user"
	"crm/usecase/record"
	"crm/usecase/savedviews"
)

// ViewService is what the API needs from the saved view use cases: the
// use cases as the token's user sees views (see savedviews.Service.For).
// Through them a personal view of someone else's is not found, a query
// the lead list cannot read is a *domain.ValidationError, and a change
// only its owner or an admin may make is a *domain.ForbiddenError.
type ViewService interface {
	For(rep user.User) *savedviews.Rep
}

// viewJSON is the representation of a saved view.
type viewJSON struct {
	ID      int64  `json:"id"`
	Version int64  `json:"version"`
	Name    string `json:"name"`
	// Query is the lead list's view, as GET /api/v1/leads and the list's
	// address take it.
	Query     string    `json:"query"`
	Shared    bool      `json:"shared"`
	OwnerID   int64     `json:"owner_id"`
	Owner     string    `json:"owner"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func newViewJSON(v *savedview.View) viewJSON {
	f, o := v.Fields(), v.Owner()
	return viewJSON{
		ID: v.ID(), Version: v.Version(), Name: f.Name, Query: f.Query, Shared: f.Shared, OwnerID: o.ID, Owner: o.Name,
		CreatedAt: v.CreatedAt().UTC(), UpdatedAt: v.UpdatedAt().UTC(), UpdatedBy: v.UpdatedBy(),
	}
}

// readViewPatch reads the members of a view a body may set; see
// resource.patch.
func readViewPatch(o *jsonObject) func(savedview.Fields) (savedview.Fields, error) {
	name, query, shared := o.text(savedview.FieldName), o.text(savedview.FieldQuery), o.boolean(savedview.FieldShared)
	return func(f savedview.Fields) (savedview.Fields, error) {
		set(&f.Name, name)
		set(&f.Query, query)
		set(&f.Shared, shared)
		return f, nil
	}
}

// viewReadOnly explains the members only a view has that a body may not set.
var viewReadOnly = map[string]string{
	"owner":    "Read-only: a view belongs to the user who saves it.",
	"owner_id": "Read-only: a view belongs to the user who saves it.",
}

// me is the user the request was authenticated as.
func me(ctx context.Context) user.User {
	u, _ := ctx.Value(userKey{}).(user.User)
	return u
}

// repViews reads views as the user of each request sees them, for
// resource.store.
type repViews struct{ svc ViewService }

func (v repViews) Get(ctx context.Context, id int64) (*savedview.View, error) {
	return v.svc.For(me(ctx)).Get(ctx, id)
}

// listViews answers the views the user sees, by name: their own and the
// shared ones, or only one of the two with shared=true or false. There are
// tens of them, not pages.
func (s *server) listViews(w http.ResponseWriter, r *http.Request) error {
	only := -1 // neither
	if raw, ok := r.URL.Query()["shared"]; ok {
		b, err := strconv.ParseBool(raw[0])
		if err != nil || (raw[0] != "true" && raw[0] != "false") {
			return queryError([]fieldError{{Field: "shared", Message: "Must be true or false."}})
		}
		only = 0
		if b {
			only = 1
		}
	}
	vs, err := s.views.For(me(r.Context())).List(r.Context())
	if err != nil {
		return err
	}
	p := record.Page[*savedview.View]{Items: []*savedview.View{}}
	for _, v := range vs {
		if only < 0 || v.Fields().Shared == (only == 1) {
			p.Items = append(p.Items, v)
		}
	}
	return s.viewRes.list(w, p)
}

func (s *server) createView(w http.ResponseWriter, r *http.Request) error {
	return s.viewRes.createWith(w, r, func(ctx context.Context, _ string, f savedview.Fields) (*savedview.View, error) {
		return s.views.For(me(ctx)).Create(ctx, f)
	})
}

func (s *server) patchView(w http.ResponseWriter, r *http.Request) error {
	return s.viewRes.patchWith(w, r, func(ctx context.Context, by string, v *savedview.View, f savedview.Fields) (*savedview.View, error) {
		return s.views.For(me(ctx)).Update(ctx, by, v, f)
	})
}

func (s *server) deleteView(w http.ResponseWriter, r *http.Request) error {
	return s.viewRes.deleteWith(w, r, func(ctx context.Context, by string, id, version int64) (*savedview.View, error) {
		return s.views.For(me(ctx)).Delete(ctx, by, id, version)
	})
}
