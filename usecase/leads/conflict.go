package leads

import (
	"crm/domain"
	"crm/domain/lead"
)

// ConflictError is returned instead of a bare *domain.OptimisticLockError
// when a rep's save started from a version that is no longer current. It
// carries everything a conflict view needs so that nothing the rep typed is
// lost: the lead as saved now, the version they started from and, for field
// edits, what they typed compared field by field. errors.As still finds the
// OptimisticLockError inside it.
type ConflictError struct {
	Lock    *domain.OptimisticLockError
	Current *lead.Lead // the lead as saved now
	Base    *lead.Lead // the version the rep started from; nil when unknown
	// Yours and Compare are set for field edits only.
	Yours   *lead.Fields
	Compare lead.ThreeWay
	// WantedStatus is set for status moves only.
	WantedStatus lead.Status
}

// Error describes the conflict for logs.
func (e *ConflictError) Error() string { return e.Lock.Error() }

// Unwrap exposes the optimistic-lock error to errors.Is and errors.As.
func (e *ConflictError) Unwrap() error { return e.Lock }
