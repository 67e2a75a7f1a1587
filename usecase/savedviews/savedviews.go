// Package savedviews holds the use cases of saved views of the lead list:
// those every record shares (record.Service), made as one rep sees and acts
// on views, and what only views have: the check of their query and the
// tabs each rep sees.
//
// A rep reaches views only through For: a personal view of someone else's
// is not found, and a change the view's rules keep for its owner (stopping
// sharing, deleting, restoring) is refused, on every path, inside the
// compare-and-swap, so a check and a save never see two different views.
package savedviews

import (
	"context"
	"errors"
	"fmt"

	"crm/domain"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/usecase/record"
)

// QueryCheck reads a saved view's query as the lead list reads its
// address: it returns the query as the list writes it (only what differs
// from the list as it first opens, in one order), or an error whose
// message tells the rep why it is not a view of the list.
type QueryCheck func(raw string) (canonical string, err error)

// Repository stores saved views. Every write is a compare-and-swap on the
// version, stored in one transaction with the view's domain events.
type Repository interface {
	record.Repository[*savedview.View]
	// Visible returns the live views user rep sees, their own and every
	// shared one, by name as people sort names (then by id), at most
	// record.MaxPageSize of them.
	Visible(ctx context.Context, rep int64) ([]*savedview.View, error)
}

// Service runs the saved view use cases.
type Service struct {
	repo  Repository
	check QueryCheck
}

// NewService returns a Service storing views in repo, whose queries check
// reads.
func NewService(repo Repository, check QueryCheck) *Service {
	return &Service{repo: repo, check: check}
}

// For returns the use cases of views as rep sees them and acts on them.
func (s *Service) For(rep user.User) *Rep {
	guarded := guarded{Repository: s.repo, rep: rep}
	return &Rep{Service: record.NewService[*savedview.View](savedview.Kind, savedview.EditableFields, guarded),
		rep: rep, repo: s.repo, check: s.check}
}

// Rep is the use cases of views as one rep sees them: record.Service's,
// over the views rep may see, with every write's query checked first.
type Rep struct {
	*record.Service[*savedview.View, savedview.Fields]
	rep   user.User
	repo  Repository
	check QueryCheck
}

// Create checks f and stores a new view of rep's.
func (r *Rep) Create(ctx context.Context, f savedview.Fields) (*savedview.View, error) {
	f, err := r.checked(f)
	if err != nil {
		return nil, err
	}
	v, err := savedview.New(f, savedview.OwnerOf(r.rep))
	if err != nil {
		return nil, err
	}
	return r.Add(ctx, v)
}

// Save is record.Service.Save of a view whose query is checked first.
func (r *Rep) Save(ctx context.Context, by string, id, version int64, f savedview.Fields) (record.Saved[*savedview.View], error) {
	f, err := r.checked(f)
	if err != nil {
		return record.Saved[*savedview.View]{}, err
	}
	return r.Service.Save(ctx, by, id, version, f)
}

// Update is record.Service.Update of a view whose query is checked first.
func (r *Rep) Update(ctx context.Context, by string, v *savedview.View, f savedview.Fields) (*savedview.View, error) {
	f, err := r.checked(f)
	if err != nil {
		return nil, err
	}
	return r.Service.Update(ctx, by, v, f)
}

// RestoreAndSave is record.Service.RestoreAndSave of a view whose query is
// checked first.
func (r *Rep) RestoreAndSave(ctx context.Context, by string, id, version int64, f savedview.Fields) (record.Saved[*savedview.View], error) {
	f, err := r.checked(f)
	if err != nil {
		return record.Saved[*savedview.View]{}, err
	}
	return r.Service.RestoreAndSave(ctx, by, id, version, f)
}

// List returns the live views the rep sees, by name: their own and every
// shared one.
func (r *Rep) List(ctx context.Context) ([]*savedview.View, error) {
	vs, err := r.repo.Visible(ctx, r.rep.ID)
	if err != nil {
		return nil, fmt.Errorf("list views of user %d: %w", r.rep.ID, err)
	}
	return vs, nil
}

// checked returns f with its query as the lead list writes it, so that
// two ways of writing one view are one value (no change, no conflict).
// A query the list cannot read is a *domain.ValidationError on the query
// saying why, with the domain's messages about the other fields, so the
// rep sees every problem at once.
func (r *Rep) checked(f savedview.Fields) (savedview.Fields, error) {
	f = f.Normalize()
	q, err := r.check(f.Query)
	if err == nil {
		f.Query = q
		return f, nil
	}
	invalid := &domain.ValidationError{}
	var others *domain.ValidationError
	if errors.As(f.Validate(), &others) {
		for _, fe := range others.Fields {
			if fe.Field != savedview.FieldQuery {
				invalid.Add(fe.Field, fe.Message)
			}
		}
	}
	invalid.Add(savedview.FieldQuery, err.Error())
	return f, invalid
}

// guarded is the Repository as rep sees it: a view they may not see is not
// there, and a write is refused when the view's rules keep what it changed
// for someone else (savedview.View.Permits). Both checks are made on the
// view as the compare-and-swap loads it.
type guarded struct {
	Repository
	rep user.User
}

func (g guarded) notFound(id int64) error { return &domain.NotFoundError{Kind: savedview.Kind, ID: id} }

// Get returns view id if rep may see it.
func (g guarded) Get(ctx context.Context, id int64) (*savedview.View, error) {
	v, err := g.Repository.Get(ctx, id)
	if err == nil && !v.VisibleTo(g.rep) {
		return nil, g.notFound(id)
	}
	return v, err
}

// History returns view id's history if rep may see it.
func (g guarded) History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	if _, err := g.Get(ctx, id); err != nil {
		return record.Page[domain.RecordedEvent]{}, err
	}
	return g.Repository.History(ctx, id, p)
}

// Update is Repository.Update of a view rep may see, with a change rep may
// make.
func (g guarded) Update(ctx context.Context, id, version int64, apply func(*savedview.View) (bool, error)) (*savedview.View, error) {
	return g.Repository.Update(ctx, id, version, g.permitted(apply))
}

// UpdateLoaded is Repository.UpdateLoaded of a view rep may see, with a
// change rep may make.
func (g guarded) UpdateLoaded(ctx context.Context, current *savedview.View, apply func(*savedview.View) (bool, error)) (*savedview.View, error) {
	return g.Repository.UpdateLoaded(ctx, current, g.permitted(apply))
}

func (g guarded) permitted(apply func(*savedview.View) (bool, error)) func(*savedview.View) (bool, error) {
	return func(v *savedview.View) (bool, error) {
		if !v.VisibleTo(g.rep) {
			return false, g.notFound(v.ID())
		}
		changed, err := apply(v)
		if err == nil && changed {
			err = v.Permits(g.rep)
		}
		return changed, err
	}
}
