// Package domain holds what every aggregate of the CRM shares: the errors a
// use case can return and the contract of an aggregate root. It imports only
// the standard library, so the rules of the business can be read and tested
// without a database or a web server.
package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound means the aggregate asked for does not exist (or no longer
// does). Repositories return a *NotFoundError, which matches it.
var ErrNotFound = errors.New("not found")

// NotFoundError names the aggregate that does not exist, so a page can say
// "Contact not found" rather than a generic "Not found". errors.Is matches
// it with ErrNotFound, for code that does not care which kind it was.
type NotFoundError struct {
	Kind string // e.g. "contact"
	ID   int64  // 0 when the id could not even be read
}

// Error names the missing aggregate for logs.
func (e *NotFoundError) Error() string {
	if e.ID == 0 {
		return e.Kind + " not found"
	}
	return fmt.Sprintf("%s %d not found", e.Kind, e.ID)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrUnavailable means the store could not be reached; the request may
// succeed if retried later. Repositories wrap connection failures with it.
var ErrUnavailable = errors.New("storage unavailable")

// ErrCommitUnknown means the connection to the store broke while a write
// was committing: the store may have committed it and only the answer was
// lost (a failover that kills the primary mid-commit, say), so the caller
// must not be told that nothing was saved. It wraps ErrUnavailable: it is a
// 503 like any outage, with other words.
var ErrCommitUnknown = fmt.Errorf("outcome of the write unknown: %w", ErrUnavailable)

// ErrUnauthenticated means the request carries no valid proof of who makes
// it: no session, an unknown or revoked token, a wrong password.
var ErrUnauthenticated = errors.New("not signed in")

// ForbiddenError is an action the user's role does not allow; Message
// says what it takes.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return "forbidden: " + e.Message }

// DeletedError is a change to an aggregate that was deleted: By deleted it
// at At. Restoring it takes the changes again.
type DeletedError struct {
	ID int64
	By string
	At time.Time
}

// Error says who deleted what, for logs.
func (e *DeletedError) Error() string {
	return fmt.Sprintf("%d was deleted by %s at %s", e.ID, e.By, e.At.Format(time.RFC3339))
}

// FieldError is one problem with one input field, worded for the rep.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every field that failed validation, in form order,
// so a form can show all messages at once rather than one per round trip.
type ValidationError struct {
	Fields []FieldError
}

// Error joins the messages; the delivery layer shows them per field instead.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(msgs, "; ")
}

// For returns the message for field, or "" when that field is fine.
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Add records a problem with field. It is meant for building the error up
// before returning it with Err.
func (e *ValidationError) Add(field, message string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
}

// Err returns e when it holds at least one problem and nil otherwise, so
// callers can write `return v.Err()` without a typed-nil trap.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// RuleError is a business rule the requested change would break, such as a
// status move the state machine does not allow. Field names the input the
// rule is about, when there is one.
type RuleError struct {
	Field   string
	Message string
}

// Error returns the message as written for the rep.
func (e *RuleError) Error() string { return e.Message }

// OptimisticLockError reports a compare-and-swap that lost: the caller
// started from version Expected, but the aggregate is at version Actual
// because someone else saved it first.
type OptimisticLockError struct {
	Kind     string // aggregate kind, e.g. "lead"
	ID       int64
	Expected int64
	Actual   int64
}

// Error describes the conflict for logs; reps see a banner instead.
func (e *OptimisticLockError) Error() string {
	return fmt.Sprintf("%s %d was changed by someone else: you started from version %d, it is now at version %d",
		e.Kind, e.ID, e.Expected, e.Actual)
}

// AsOptimisticLock finds an OptimisticLockError anywhere in err's chain.
func AsOptimisticLock(err error) (*OptimisticLockError, bool) {
	var lockErr *OptimisticLockError
	ok := errors.As(err, &lockErr)
	return lockErr, ok
}

// IsOptimisticLock reports whether err's chain holds an OptimisticLockError.
func IsOptimisticLock(err error) bool {
	_, ok := AsOptimisticLock(err)
	return ok
}
