// Package conflict explains a save that lost its compare-and-swap, for any
// aggregate: it reads the aggregate as saved now and as it was at the
// version the rep started from, the two sides a conflict view compares with
// what the rep typed. Each aggregate's use cases wrap the result in their own
// conflict error, adding what only they know (the typed fields, a move).
package conflict

import (
	"context"
	"errors"

	"crm/domain"
)

// Reader reads an aggregate as saved now and as saved at an earlier
// version; every versioned repository has both methods.
type Reader[A any] interface {
	// Get returns the aggregate or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (A, error)
	// Version returns the aggregate as saved at version, or
	// domain.ErrNotFound when that version was never saved.
	Version(ctx context.Context, id, version int64) (A, error)
}

// Versions is what a lost save met: the optimistic-lock error, the
// aggregate as saved now and as it was when the rep opened it. It is an
// error that unwraps to the optimistic-lock error, so a use case's conflict
// error that embeds it is one too.
type Versions[A any] struct {
	Lock    *domain.OptimisticLockError
	Current A // as saved now
	// Base is the aggregate at Lock.Expected, or A's zero value (nil for
	// pointers) when that version was never saved: a forged or future
	// version. A comparison then treats every difference as a conflict.
	Base A
}

// Error describes the conflict for logs; reps see a banner instead.
func (v *Versions[A]) Error() string { return v.Lock.Error() }

// Unwrap exposes the optimistic-lock error to errors.Is and errors.As.
func (v *Versions[A]) Unwrap() error { return v.Lock }

// Explain returns the versions behind err when err holds an
// *domain.OptimisticLockError, and (nil, err) for any other error. If the
// aggregate cannot be read (deleted meanwhile, database gone) it returns
// that error instead: the conflict could not be shown anyway.
func Explain[A any](ctx context.Context, r Reader[A], err error) (*Versions[A], error) {
	lock, ok := domain.AsOptimisticLock(err)
	if !ok {
		return nil, err
	}
	current, err := r.Get(ctx, lock.ID)
	if err != nil {
		return nil, err
	}
	v := &Versions[A]{Lock: lock, Current: current}
	base, err := r.Version(ctx, lock.ID, lock.Expected)
	switch {
	case err == nil:
		v.Base = base
	case !errors.Is(err, domain.ErrNotFound):
		return nil, err
	}
	return v, nil
}
