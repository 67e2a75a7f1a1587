package api

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"crm/domain"
	"crm/usecase/conflict"
	"crm/usecase/record"
)

// versioned is any record with fields F: its version is what ETags carry.
type versioned[F any] interface {
	ID() int64
	Version() int64
	Fields() F
	// Live is the *domain.DeletedError of a deleted record, nil otherwise.
	Live() error
}

// resource is how the API serves one kind of record: its name, how one is
// read, its JSON representation and what a body may change. Every kind's
// reads and writes go through its methods, so each follows the same steps
// in the same order.
type resource[A versioned[F], F, J any] struct {
	name string // e.g. "lead"; its collection is Prefix + "/leads"
	// store reads one record; an interface rather than a method value so a
	// handler built without a service (as the OpenAPI test builds it) can
	// still list its routes.
	store interface {
		Get(context.Context, int64) (A, error)
	}
	represent func(A) J
	// patch reads the members a body may set and returns how they change
	// a record's fields, as RFC 7396 merges a patch onto a document: an
	// absent member is no change. Its error is a value the record cannot
	// take (an amount in the wrong form).
	patch func(o *jsonObject) func(F) (F, error)
	// readOnly explains the members of the representation a body may not
	// set, besides those every record has (see readOnly).
	readOnly map[string]string
	// settled, for a kind where one change made twice is one change (two
	// clients completing a task), reports whether fields f ask nothing of
	// a, which holds them already. A patch from a stale version that sets
	// settledBy and asks only for what is saved then succeeds with what is
	// saved instead of a 412 (RFC 9110 §13.1.1 allows a 2xx when the
	// requested state is already the current one); any other stale patch,
	// an empty one too, is still a 412. nil for kinds that always refuse.
	settled   func(a A, f F) bool
	settledBy string // the member such a patch sets, e.g. "done"
	// count counts how each write ended (see server.countWrite).
	count func(kind string, err error)
	// fresh is the fields a create starts from, before the body's members
	// apply: the creator as the owner (a body may give it to another user
	// or nobody). nil for blank fields.
	fresh func(creator int64) F
}

// readOnly explains the members of a record that a body may not set:
// those every record has, and hints, the kind's own.
func readOnly(hints map[string]string) map[string]string {
	out := map[string]string{"id": "Read-only.", "created_at": "Read-only.", "updated_at": "Read-only.", "updated_by": "Read-only."}
	maps.Copy(out, hints)
	return out
}

// path is the address of record id.
func (res resource[A, F, J]) path(id int64) string {
	name := res.name + "s"
	if strings.HasSuffix(res.name, "y") {
		name = strings.TrimSuffix(res.name, "y") + "ies" // an entry is at /entries/{id}
	}
	return Prefix + "/" + name + "/" + strconv.FormatInt(id, 10)
}

// show answers GET of one record, or 304 when the client holds its version.
func (res resource[A, F, J]) show(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := res.store.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := a.Live(); err != nil {
		return err
	}
	rep := res.represent(a)
	notMod, err := checkRead(r, res.name, a.Version(), rep)
	if err != nil {
		return err
	}
	if notMod {
		notModified(w, a.Version())
		return nil
	}
	return writeResource(w, http.StatusOK, a.Version(), rep)
}

// createWith answers a POST that creates a record from its members, with
// the kind's use case create.
func (res resource[A, F, J]) createWith(w http.ResponseWriter, r *http.Request, create func(ctx context.Context, by string, f F) (A, error)) error {
	return res.create(w, r, func(o *jsonObject) func(*http.Request) (A, error) {
		apply := res.patch(o)
		return func(r *http.Request) (A, error) {
			var blank F
			if res.fresh != nil {
				blank = res.fresh(me(r.Context()).ID)
			}
			f, err := apply(blank)
			if err != nil {
				var zero A
				return zero, err
			}
			return create(r.Context(), actor(r), f)
		}
	})
}

// create answers a POST that creates a record from a JSON object: read
// takes the members it needs, every problem with the body is reported at
// once, and then the function read returned creates the record.
func (res resource[A, F, J]) create(w http.ResponseWriter, r *http.Request, read func(o *jsonObject) func(r *http.Request) (A, error)) error {
	o, err := readObject(w, r, mediaJSON)
	if err != nil {
		return err
	}
	create := read(o)
	if err := o.done(withHint(readOnly(res.readOnly), "version", "A new "+res.name+" starts at version 1; leave version out.")); err != nil {
		return err
	}
	a, err := create(r)
	if err != nil {
		return err
	}
	w.Header().Set("Location", res.path(a.ID()))
	return writeResource(w, http.StatusCreated, a.Version(), res.represent(a))
}

// list answers a GET of a collection with one page of it.
func (res resource[A, F, J]) list(w http.ResponseWriter, p record.Page[A]) error {
	items := make([]J, len(p.Items))
	for i, a := range p.Items {
		items[i] = res.represent(a)
	}
	return writeJSON(w, http.StatusOK, list[J]{Items: items, Next: nextCursor(p.Next), NextKey: p.NextKey})
}

// patchWith answers a PATCH of a record with the kind's exact update: the
// body is an RFC 7396 merge patch (or plain JSON, read the same way) of the
// record's fields.
func (res resource[A, F, J]) patchWith(w http.ResponseWriter, r *http.Request,
	update func(ctx context.Context, by string, a A, f F) (A, error)) error {
	var apply func(F) (F, error)
	asksSettled := false
	c := change[A]{media: []string{mediaMergePatch, mediaJSON},
		read: func(o *jsonObject) (map[string]string, operation[A]) {
			if o != nil {
				_, asksSettled = o.members[res.settledBy]
			}
			apply = res.patch(o)
			return readOnly(res.readOnly), func(r *http.Request, a A) (A, error) {
				f, err := apply(a.Fields())
				if err != nil {
					var zero A
					return zero, err
				}
				return update(r.Context(), actor(r), a, f)
			}
		}}
	if res.settled != nil {
		c.settled = func(a A) bool {
			if !asksSettled {
				return false
			}
			f, err := apply(a.Fields())
			return err == nil && res.settled(a, f)
		}
	}
	return res.write(w, r, c)
}

// moveWith answers a POST that moves a record of res through its state
// machine with the kind's exact move: a body holding only field, the state
// to move to (like example, read by parse), and perhaps the version. It is
// a function rather than a method because of the state's type.
func moveWith[A versioned[F], F, J any, S ~string](res resource[A, F, J], w http.ResponseWriter, r *http.Request,
	field, example string, parse func(string) (S, error),
	move func(ctx context.Context, by string, a A, to S) (A, error)) error {
	return res.write(w, r, change[A]{media: []string{mediaJSON}, read: func(o *jsonObject) (map[string]string, operation[A]) {
		o.require(field, example)
		state := o.text(field)
		return nil, func(r *http.Request, a A) (A, error) {
			to, err := parse(*state)
			if err != nil {
				var zero A
				return zero, err
			}
			return move(r.Context(), actor(r), a, to)
		}
	}})
}

// deleteWith answers a DELETE of a record with the kind's exact delete,
// which moves it to the Trash: from then on it answers 410.
func (res resource[A, F, J]) deleteWith(w http.ResponseWriter, r *http.Request, remove func(ctx context.Context, by string, id, version int64) (A, error)) error {
	return res.write(w, r, change[A]{noContent: true, read: func(*jsonObject) (map[string]string, operation[A]) {
		return nil, func(r *http.Request, a A) (A, error) { return remove(r.Context(), actor(r), a.ID(), a.Version()) }
	}})
}

// operation is what a write does to the record as loaded at the version
// the client named; it returns the record as saved.
type operation[A any] func(r *http.Request, a A) (A, error)

// change is one kind of write to a record: the media types its body may
// have (none for a write without a body, such as DELETE) and how it is
// read. read takes the members it needs and returns the hints that explain
// members it may not set, and the operation to run.
type change[A any] struct {
	media []string
	read  func(o *jsonObject) (hints map[string]string, op operation[A])
	// noContent answers 204 instead of the saved representation.
	noContent bool
	// settled reports whether the write asks nothing of a, as saved now,
	// after its body was read: see resource.settled. nil for none.
	settled func(a A) bool
}

// write is the one path of every write to an existing record, in the order
// in which its failures are reported: the path's id, the record (404, or
// 410 when deleted, whatever If-Match says), If-Match, the body, the
// version claimed against the one stored (412 or 409 with the current
// representation), then the operation, a compare-and-swap in the use case
// that catches anyone saving after the check (412 again, or 410 when
// someone deleted the record meanwhile).
func (res resource[A, F, J]) write(w http.ResponseWriter, r *http.Request, c change[A]) (err error) {
	defer func() { res.count(res.name, err) }()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := res.store.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := a.Live(); err != nil {
		return err
	}
	cond, err := requireIfMatch(r)
	if err != nil {
		return err
	}
	var op operation[A]
	if len(c.media) > 0 {
		o, err := readObject(w, r, c.media...)
		if err != nil {
			return err
		}
		var hints map[string]string
		hints, op = c.read(o)
		if err := cond.readBodyVersion(o, hints); err != nil {
			return err
		}
	} else {
		_, op = c.read(nil)
	}
	if err := cond.check(res.name, a.Version(), res.represent(a)); err != nil {
		if c.settled != nil && c.settled(a) {
			return writeResource(w, http.StatusOK, a.Version(), res.represent(a))
		}
		return err
	}
	saved, err := op(r, a)
	if v, ok := conflict.VersionsOf[A](err); ok {
		if c.settled != nil && c.settled(v.Current) {
			return writeResource(w, http.StatusOK, v.Current.Version(), res.represent(v.Current))
		}
		// Someone saved between the check and the compare-and-swap: the
		// If-Match was current when checked and is stale now.
		return &lostRaceError{lock: v.Lock, current: res.represent(v.Current), err: err}
	}
	if err != nil {
		return err
	}
	if c.noContent {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return writeResource(w, http.StatusOK, saved.Version(), res.represent(saved))
}

// lostRaceError is a write whose compare-and-swap lost to a save made
// after its version was checked; current is the representation as saved
// now.
type lostRaceError struct {
	lock    *domain.OptimisticLockError
	current any
	err     error
}

func (e *lostRaceError) Error() string { return e.err.Error() }

func (e *lostRaceError) Unwrap() error { return e.err }
