// Package conflict resolves writes that started from a version someone has
// since saved over, for any aggregate: a stale save whose fields nobody else
// touched is merged onto the newer version, a stale move that nobody raced
// is made on it, and anything else becomes the one conflict error, Error,
// which carries what the rep needs to decide: the aggregate as saved now, as
// it was when they opened it, and what they typed.
package conflict

import (
	"context"
	"errors"

	"crm/domain"
)

// Reader reads an aggregate as saved now and as saved at earlier
// versions; every versioned repository has these methods.
type Reader[A any] interface {
	// Get returns the aggregate or a *domain.NotFoundError.
	Get(ctx context.Context, id int64) (A, error)
	// Version returns the aggregate as saved at version, or an error
	// matching domain.ErrNotFound when that version was never saved.
	Version(ctx context.Context, id, version int64) (A, error)
	// Versions returns the aggregate as saved at every version from from
	// to to, both included, oldest first; those never saved are left out
	// (none, for an aggregate that does not exist).
	Versions(ctx context.Context, id, from, to int64) ([]A, error)
}

// Versions is what a lost write met: the optimistic-lock error, the
// aggregate as saved now and as it was when the rep opened it.
type Versions[A any] struct {
	Lock    *domain.OptimisticLockError
	Current A // as saved now
	// Base is the aggregate at Lock.Expected, or A's zero value (nil for
	// pointers) when that version was never saved: a forged or future
	// version. A comparison then treats every difference as a conflict.
	Base    A
	hasBase bool
}

// HasBase reports whether the version the rep started from could be read.
func (v *Versions[A]) HasBase() bool { return v.hasBase }

func (v *Versions[A]) setBase(base *A) {
	if base != nil {
		v.Base, v.hasBase = *base, true
	}
}

// Error is a write that lost its compare-and-swap and was not merged: both
// reps changed a field, the starting version is unknown, a move met an
// aggregate moved meanwhile, or others kept saving past MaxSaveAttempts.
// It is the one conflict error of every aggregate and every write (save,
// move, delete, conversion); errors.As finds the *domain.OptimisticLockError
// inside it.
type Error[A, F any] struct {
	Versions[A]
	// Yours is what the rep typed, set for field saves only, and Compare
	// its three-way comparison with Base and Current.
	Yours   *F
	Compare domain.ThreeWay[F]
	// Wanted is the state a move asked for, as reps read it ("Contacted"),
	// set for moves only.
	Wanted string
}

// Error describes the conflict for logs; reps see a banner instead.
func (e *Error[A, F]) Error() string { return e.Lock.Error() }

// Unwrap exposes the optimistic-lock error to errors.Is and errors.As.
func (e *Error[A, F]) Unwrap() error { return e.Lock }

func (e *Error[A, F]) versions() *Versions[A] { return &e.Versions }

// VersionsOf finds, in err's chain, a conflict over an aggregate of type A,
// whatever its field type: for code that shows every conflict the same
// way, such as the API's 412.
func VersionsOf[A any](err error) (*Versions[A], bool) {
	var c interface{ versions() *Versions[A] }
	if !errors.As(err, &c) {
		return nil, false
	}
	return c.versions(), true
}

// Explain turns err into an *Error when it holds a
// *domain.OptimisticLockError, reading the aggregate as saved now and at
// the version the rep started from; any other error is returned as it is.
// If the aggregate cannot be read (purged, database gone) that error is
// returned instead, and if it was deleted since, its *domain.DeletedError:
// the conflict could not be shown anyway.
// complete, when not nil, adds what the write knows (what was typed).
func Explain[A, F any](ctx context.Context, r Reader[A], err error, complete func(*Error[A, F])) error {
	lock, ok := domain.AsOptimisticLock(err)
	if !ok {
		return err
	}
	current, err := r.Get(ctx, lock.ID)
	if err != nil {
		return err
	}
	if d, ok := any(current).(interface{ Live() error }); ok && d.Live() != nil {
		// Deleted since: whether to restore it comes before any field.
		return d.Live()
	}
	base, err := readBase(ctx, r, lock.ID, lock.Expected)
	if err != nil {
		return err
	}
	c := &Error[A, F]{Versions: Versions[A]{Lock: lock, Current: current}}
	c.setBase(base)
	if complete != nil {
		complete(c)
	}
	return c
}

// readBase reads the version a rep started from; nil, without an error,
// when it was never saved.
func readBase[A any](ctx context.Context, r Reader[A], id, version int64) (*A, error) {
	b, err := r.Version(ctx, id, version)
	switch {
	case err == nil:
		return &b, nil
	case errors.Is(err, domain.ErrNotFound):
		return nil, nil
	}
	return nil, err
}
