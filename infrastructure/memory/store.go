// Package memory keeps the CRM's aggregates in memory, for the unit tests
// of the use cases: a test that needs a repository but not PostgreSQL's
// behaviour gets one that starts empty in a microsecond. It may stand in for
// PostgreSQL only because one contract suite (infrastructure/contract) runs
// every repository here and in package postgres through the same cases.
package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"crm/domain"
	"crm/usecase/record"
)

// Aggregate is what a Store needs of an aggregate root: what every root has
// (domain.Root gives all of it).
type Aggregate interface {
	domain.AggregateRoot
	UpdatedBy() string
	Meta() domain.Meta
	Stamp(domain.Meta)
}

// saved is one saved version of an aggregate: what a store assigned, and
// the aggregate's own state as its Snapshot gives it.
type saved[S any] struct {
	meta domain.Meta
	snap S
}

// Store keeps the aggregates of one kind as the PostgreSQL store does: each
// save is a compare-and-swap on the version, every saved version stays
// readable (as the *_versions tables keep them) and the
// events of a save are recorded with it. It is safe for concurrent use, and
// like the database it holds no lock while apply runs, so another save can
// land between an Update's read and its compare-and-swap.
type Store[A Aggregate, S any] struct {
	kind      string
	snapshot  func(A) S
	rehydrate func(S) A
	// check refuses what the database's constraints would refuse on
	// Create or Update, such as a deal whose contact does not exist or a
	// second live contact with one email, given the other aggregates
	// stored now; nil for none.
	check func(a A, others []A) error

	mu       sync.Mutex
	versions map[int64][]saved[S] // oldest first
	lastID   int64
	events   *Events
}

// NewStore returns an empty Store of the aggregates of kind, copied in and
// out through their Snapshot and Rehydrate so no caller shares its state.
// events records what saves record; stores of one unit of work share it.
func NewStore[A Aggregate, S any](kind string, snapshot func(A) S, rehydrate func(S) A, events *Events) *Store[A, S] {
	return &Store[A, S]{kind: kind, snapshot: snapshot, rehydrate: rehydrate, events: events,
		versions: map[int64][]saved[S]{}}
}

func (s *Store[A, S]) load(v saved[S]) A {
	a := s.rehydrate(v.snap)
	a.Stamp(v.meta)
	return a
}

func (s *Store[A, S]) notFound(id int64) error { return &domain.NotFoundError{Kind: s.kind, ID: id} }

// now is the time a save commits, in the database's precision.
func now() time.Time { return time.Now().Truncate(time.Microsecond) }

// Create stores a as a new aggregate at version 1, with its events.
func (s *Store[A, S]) Create(ctx context.Context, a A) (A, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.check != nil {
		if err := s.check(a, s.current()); err != nil {
			var zero A
			return zero, err
		}
	}
	s.lastID++
	at := now()
	v := saved[S]{meta: domain.Meta{ID: s.lastID, Version: 1, CreatedAt: at, UpdatedAt: at, UpdatedBy: a.UpdatedBy()},
		snap: s.snapshot(a)}
	s.versions[v.meta.ID] = []saved[S]{v}
	s.events.record(s.kind, v.meta, a.DomainEvents())
	onRollback(ctx, func() { s.forget(v.meta) })
	a.ClearEvents()
	return s.load(v), nil
}

// Get returns aggregate id, deleted or not, or a *domain.NotFoundError.
func (s *Store[A, S]) Get(_ context.Context, id int64) (A, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.versions[id]
	if len(vs) == 0 {
		var zero A
		return zero, s.notFound(id)
	}
	return s.load(vs[len(vs)-1]), nil
}

// Version returns aggregate id as saved at version, or a
// *domain.NotFoundError.
func (s *Store[A, S]) Version(_ context.Context, id, version int64) (A, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.versions[id]
	if version < 1 || version > int64(len(vs)) {
		var zero A
		return zero, s.notFound(id)
	}
	return s.load(vs[version-1]), nil
}

// Versions returns aggregate id as saved at every version from from to to,
// both included, oldest first.
func (s *Store[A, S]) Versions(_ context.Context, id, from, to int64) ([]A, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []A{}
	for _, v := range s.versions[id] {
		if v.meta.Version >= from && v.meta.Version <= to {
			out = append(out, s.load(v))
		}
	}
	return out, nil
}

// Lock returns aggregate id if it is still at version. A memory store has
// no row lock to hold: units of work run one at a time, but a save outside
// one may land before the unit of work writes the aggregate, which then
// gets the optimistic-lock error and rolls back, where PostgreSQL would
// have made that save wait. Either way nothing is lost.
func (s *Store[A, S]) Lock(ctx context.Context, id, version int64) (A, error) {
	a, err := s.Get(ctx, id)
	if err == nil && a.Version() != version {
		var zero A
		return zero, s.stale(id, version, a.Version())
	}
	return a, err
}

func (s *Store[A, S]) stale(id, expected, actual int64) error {
	return &domain.OptimisticLockError{Kind: s.kind, ID: id, Expected: expected, Actual: actual}
}

// Update loads aggregate id, checks it is still at version, lets apply
// change it and, when apply reports a change, saves it at version+1 with
// its events, if nobody saved in between; errors as the PostgreSQL store's.
func (s *Store[A, S]) Update(ctx context.Context, id, version int64, apply func(A) (changed bool, err error)) (A, error) {
	current, err := s.Get(ctx, id)
	if err != nil {
		return current, err
	}
	if current.Version() != version {
		var zero A
		return zero, s.stale(id, version, current.Version())
	}
	return s.UpdateLoaded(ctx, current, apply)
}

// UpdateLoaded is Update of current as the caller read it, at its
// version, as the PostgreSQL store's.
func (s *Store[A, S]) UpdateLoaded(ctx context.Context, current A, apply func(A) (changed bool, err error)) (A, error) {
	var zero A
	id, version := current.ID(), current.Version()
	changed, err := apply(current)
	if err != nil {
		return zero, err
	}
	if !changed {
		return s.Version(ctx, id, version) // as the PostgreSQL store answers
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.versions[id]
	if len(vs) == 0 {
		return zero, s.notFound(id) // purged since it was read
	}
	last := vs[len(vs)-1].meta
	if last.Version != version {
		return zero, s.stale(id, version, last.Version)
	}
	if s.check != nil {
		others := slices.DeleteFunc(s.current(), func(a A) bool { return a.ID() == id })
		if err := s.check(current, others); err != nil {
			return zero, err
		}
	}
	at := now()
	v := saved[S]{meta: domain.Meta{ID: id, Version: version + 1, CreatedAt: last.CreatedAt, UpdatedAt: at,
		UpdatedBy: current.UpdatedBy()}, snap: s.snapshot(current)}
	if current.Deleted() {
		// As the database keeps deleted_at from the delete on.
		v.meta.DeletedAt = last.DeletedAt
		if v.meta.DeletedAt.IsZero() {
			v.meta.DeletedAt = at
		}
	}
	s.versions[id] = append(vs, v)
	s.events.record(s.kind, v.meta, current.DomainEvents())
	onRollback(ctx, func() { s.forget(v.meta) })
	current.ClearEvents()
	return s.load(v), nil
}

// History returns one page of aggregate id's recorded events, newest
// first, paged by event id.
func (s *Store[A, S]) History(_ context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	return s.events.matching(p, func(ev domain.RecordedEvent) bool { return ev.Kind == s.kind && ev.AggregateID == id }), nil
}

// forget takes back the save that made version m and its events, when the
// unit of work it was part of fails.
func (s *Store[A, S]) forget(m domain.Meta) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vs := s.versions[m.ID]; int64(len(vs)) == m.Version {
		s.versions[m.ID] = vs[:len(vs)-1]
	}
	s.events.forget(s.kind, m)
}

// all returns the current version of every aggregate not deleted, newest
// first, for the lists built on a Store.
func (s *Store[A, S]) all() []A {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []A
	for _, a := range s.current() {
		if !a.Deleted() {
			out = append(out, a)
		}
	}
	return out
}

// current returns the current version of every aggregate, deleted ones
// too, newest first, for a caller that holds s.mu.
func (s *Store[A, S]) current() []A {
	out := make([]A, 0, len(s.versions))
	for _, vs := range s.versions {
		if len(vs) > 0 {
			out = append(out, s.load(vs[len(vs)-1]))
		}
	}
	slices.SortFunc(out, func(a, b A) int { return int(b.ID() - a.ID()) })
	return out
}

// latest returns aggregate id as saved now, deleted or not, and whether
// it exists.
func (s *Store[A, S]) latest(id int64) (A, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.versions[id]
	if len(vs) == 0 {
		var zero A
		return zero, false
	}
	return s.load(vs[len(vs)-1]), true
}

// exists reports whether aggregate id exists, deleted or not (as a
// foreign key sees it), for the checks of other stores that refer to it.
func (s *Store[A, S]) exists(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.versions[id]) > 0
}

// Events is the activity of every Store that shares it: the events saves
// recorded, in order.
type Events struct {
	mu       sync.Mutex
	recorded []domain.RecordedEvent
	lastID   int64 // of the last event recorded, as activity's identity column
}

func (e *Events) record(kind string, m domain.Meta, events []domain.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range events {
		// Stored as PostgreSQL stores them: JSON, where none is empty.
		if ev.Changes == nil {
			ev.Changes = []domain.Change{}
		}
		if ev.Refs == nil {
			ev.Refs = map[string]int64{}
		}
		e.lastID++
		e.recorded = append(e.recorded, domain.RecordedEvent{Event: ev, ID: e.lastID, Kind: kind, AggregateID: m.ID,
			Version: m.Version, At: m.UpdatedAt})
	}
}

// forget drops the events that version m of an aggregate of kind recorded.
func (e *Events) forget(kind string, m domain.Meta) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recorded = slices.DeleteFunc(e.recorded, func(ev domain.RecordedEvent) bool {
		return ev.Kind == kind && ev.AggregateID == m.ID && ev.Version == m.Version
	})
}

// matching returns the page p asks for of the events keep accepts, newest
// first, paged by event id as the PostgreSQL store pages them.
func (e *Events) matching(p record.Paging, keep func(domain.RecordedEvent) bool) record.Page[domain.RecordedEvent] {
	e.mu.Lock()
	defer e.mu.Unlock()
	limit := p.Size()
	out := record.Page[domain.RecordedEvent]{Items: []domain.RecordedEvent{}}
	for i := len(e.recorded) - 1; i >= 0; i-- {
		ev := e.recorded[i]
		if (p.After > 0 && ev.ID >= p.After) || !keep(ev) {
			continue
		}
		if len(out.Items) == limit {
			out.Next = out.Items[limit-1].ID
			break
		}
		out.Items = append(out.Items, ev)
	}
	return out
}
