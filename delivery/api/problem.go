package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"crm/domain"
)

// mediaProblem is the media type of every error response (RFC 9457).
const mediaProblem = "application/problem+json"

// retryAfterSeconds is how long a client should wait before retrying while
// the database is unreachable.
const retryAfterSeconds = "5"

// problemKind is one stable kind of failure: clients switch on Type, which
// never changes once published; openapi.yaml documents each one.
type problemKind struct {
	Type   string
	Title  string
	Status int
}

// The kinds of problem the API answers with.
var (
	kindMalformed            = problemKind{"urn:crm:problem:malformed-request", "The request is malformed", http.StatusBadRequest}
	kindUnauthenticated      = problemKind{"urn:crm:problem:unauthenticated", "Authentication required", http.StatusUnauthorized}
	kindForbidden            = problemKind{"urn:crm:problem:forbidden", "Not allowed for this token or user", http.StatusForbidden}
	kindNotFound             = problemKind{"urn:crm:problem:not-found", "Not found", http.StatusNotFound}
	kindGone                 = problemKind{"urn:crm:problem:gone", "The resource was deleted", http.StatusGone}
	kindMethodNotAllowed     = problemKind{"urn:crm:problem:method-not-allowed", "Method not allowed", http.StatusMethodNotAllowed}
	kindVersionConflict      = problemKind{"urn:crm:problem:version-conflict", "The version in the body is not current", http.StatusConflict}
	kindPreconditionFailed   = problemKind{"urn:crm:problem:precondition-failed", "The resource was changed by someone else", http.StatusPreconditionFailed}
	kindBodyTooLarge         = problemKind{"urn:crm:problem:body-too-large", "The request body is too large", http.StatusRequestEntityTooLarge}
	kindUnsupportedMediaType = problemKind{"urn:crm:problem:unsupported-media-type", "Unsupported media type", http.StatusUnsupportedMediaType}
	kindValidation           = problemKind{"urn:crm:problem:validation-failed", "The input is not valid", http.StatusUnprocessableEntity}
	kindRuleViolated         = problemKind{"urn:crm:problem:rule-violated", "A business rule forbids this change", http.StatusUnprocessableEntity}
	kindPreconditionRequired = problemKind{"urn:crm:problem:precondition-required", "A version is required", http.StatusPreconditionRequired}
	kindUnavailable          = problemKind{"urn:crm:problem:unavailable", "Temporarily unavailable", http.StatusServiceUnavailable}
	kindInternal             = problemKind{"urn:crm:problem:internal", "Something went wrong", http.StatusInternalServerError}
)

// problemKinds lists every kind, for the test that checks openapi.yaml
// documents each one.
var problemKinds = []problemKind{
	kindMalformed, kindUnauthenticated, kindForbidden, kindNotFound, kindGone, kindMethodNotAllowed, kindVersionConflict,
	kindPreconditionFailed, kindBodyTooLarge, kindUnsupportedMediaType, kindValidation, kindRuleViolated,
	kindPreconditionRequired, kindUnavailable, kindInternal,
}

// problem is an RFC 9457 problem details document. Errors and Current are
// extension members: the fields at fault, and the representation as saved
// now when a write started from a stale version.
type problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []fieldError `json:"errors,omitempty"`
	Current   any          `json:"current,omitempty"`

	header http.Header // sent with the problem: ETag, WWW-Authenticate, Retry-After
}

// fieldError is one input at fault, named as in the JSON representation.
type fieldError struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func newProblem(k problemKind, detail string) problem {
	return problem{Type: k.Type, Title: k.Title, Status: k.Status, Detail: detail, header: http.Header{}}
}

// requestError is a request the API refuses before any use case runs: bad
// syntax, a missing precondition, a wrong media type.
type requestError struct {
	kind   problemKind
	detail string
	fields []fieldError
}

func (e *requestError) Error() string { return e.detail }

func malformed(format string, args ...any) *requestError {
	return &requestError{kind: kindMalformed, detail: fmt.Sprintf(format, args...)}
}

var (
	errNoRoute          = &requestError{kind: kindNotFound, detail: "There is nothing at this address."}
	errMethodNotAllowed = &requestError{kind: kindMethodNotAllowed, detail: "This address does not accept that method; the Allow header lists those it does."}
)

// unauthenticatedError is a request without a usable bearer token.
// invalidToken distinguishes a token that was sent but refused, which RFC
// 6750 §3.1 reports as error="invalid_token", from no credentials at all.
type unauthenticatedError struct {
	invalidToken bool
	detail       string
	err          error
}

func (e *unauthenticatedError) Error() string {
	if e.err != nil {
		return "unauthenticated: " + e.err.Error()
	}
	return "unauthenticated"
}

func (e *unauthenticatedError) Unwrap() error { return e.err }

// staleError is a write whose version is not the current one: 412 when
// If-Match named it, 409 when the body did. current is the representation
// as saved now, sent back so the client can redo its change on it.
type staleError struct {
	kind     problemKind
	resource string // "lead"
	sent     string // what the client claimed: `If-Match: "3"`, "version 3 in the body"
	version  int64  // the current version
	current  any
}

func (e *staleError) Error() string {
	return fmt.Sprintf("%s is at version %d, not %s", e.resource, e.version, e.sent)
}

// problemFor is the one table from errors to problems. Whatever it does
// not know is a 500 whose detail names only the request id: the error text
// may hold SQL or internals and goes to the log instead.
func problemFor(ctx context.Context, err error) problem {
	var (
		reqErr          *requestError
		unauthenticated *unauthenticatedError
		stale           *staleError
		tooLarge        *http.MaxBytesError
		invalid         *domain.ValidationError
		rule            *domain.RuleError
		lost            *lostRaceError
		deleted         *domain.DeletedError
		denied          *domain.ForbiddenError
	)
	switch {
	case errors.As(err, &reqErr):
		p := newProblem(reqErr.kind, reqErr.detail)
		p.Errors = reqErr.fields
		return p
	case errors.As(err, &unauthenticated):
		return unauthenticatedProblem(unauthenticated)
	case errors.As(err, &stale):
		return staleProblem(stale)
	case errors.As(err, &tooLarge):
		return newProblem(kindBodyTooLarge, fmt.Sprintf("The request body is larger than %d bytes. Nothing was saved.", tooLarge.Limit))
	case errors.Is(err, domain.ErrUnauthenticated):
		return unauthenticatedProblem(&unauthenticatedError{invalidToken: true, err: err})
	case errors.As(err, &denied):
		return newProblem(kindForbidden, denied.Message+" Nothing was saved.")
	case errors.As(err, &deleted):
		return newProblem(kindGone, fmt.Sprintf("%s deleted it at %s. Nothing was saved: it is in the Trash, where a rep can restore it.",
			deleted.By, deleted.At.UTC().Format(time.RFC3339)))
	case errors.Is(err, domain.ErrNotFound):
		return newProblem(kindNotFound, "It does not exist or someone deleted it.")
	case errors.As(err, &invalid):
		p := newProblem(kindValidation, "Nothing was saved. "+fieldMessages(invalid.Fields))
		for _, f := range invalid.Fields {
			p.Errors = append(p.Errors, fieldError{Field: apiField(f.Field), Message: f.Message})
		}
		return p
	case errors.As(err, &rule):
		p := newProblem(kindRuleViolated, "Nothing was saved. "+rule.Message)
		p.Errors = []fieldError{{Field: apiField(rule.Field), Message: rule.Message}}
		return p
	case errors.As(err, &lost):
		return lostRace(lost.lock, lost.current)
	case domain.IsOptimisticLock(err):
		lock, _ := domain.AsOptimisticLock(err)
		return lostRace(lock, nil)
	case errors.Is(err, domain.ErrCommitUnknown):
		// Before ErrUnavailable, which it wraps: "nothing was saved" would
		// be a guess, and a client trusting it might apply its change twice.
		p := newProblem(kindUnavailable, "The connection to the database broke while the write was being committed: "+
			"it may or may not have landed — GET the resource to see before sending it again.")
		p.header.Set("Retry-After", retryAfterSeconds)
		return p
	case errors.Is(err, domain.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		p := newProblem(kindUnavailable, "The database is not reachable. Nothing was saved; please try again in a moment.")
		p.header.Set("Retry-After", retryAfterSeconds)
		return p
	}
	p := newProblem(kindInternal, "Nothing was saved. If it happens again, quote request "+requestID(ctx)+".")
	p.RequestID = requestID(ctx)
	return p
}

func unauthenticatedProblem(e *unauthenticatedError) problem {
	detail := e.detail
	challenge := "Bearer"
	if e.invalidToken {
		// RFC 6750 §3.1: a token that was sent but refused is
		// invalid_token; a request without credentials gets no error code.
		challenge = `Bearer error="invalid_token"`
		if detail == "" {
			detail = "The bearer token is unknown, malformed or revoked."
		}
	}
	if detail == "" {
		detail = "Send \"Authorization: Bearer <token>\" with every request."
	}
	p := newProblem(kindUnauthenticated, detail)
	p.header.Set("WWW-Authenticate", challenge)
	return p
}

func staleProblem(e *staleError) problem {
	p := newProblem(e.kind, fmt.Sprintf(
		"You sent %s, but the %s is at version %d: someone saved it after you read it. Nothing was saved. "+
			"The current version is in \"current\"; apply your change to it and send it again with If-Match: %s.",
		e.sent, e.resource, e.version, etag(e.version)))
	p.Current = e.current
	p.header.Set("ETag", etag(e.version))
	return p
}

func lostRace(lock *domain.OptimisticLockError, current any) problem {
	p := newProblem(kindPreconditionFailed, fmt.Sprintf(
		"Someone saved %s %d while your change was being applied: you started from version %d, it is now at version %d. "+
			"Nothing was saved. Apply your change to the current version and send it again with If-Match: %s.",
		lock.Kind, lock.ID, lock.Expected, lock.Actual, etag(lock.Actual)))
	p.Current = current
	p.header.Set("ETag", etag(lock.Actual))
	return p
}

func fieldMessages(fields []domain.FieldError) string {
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, " ")
}

// fail answers err as a problem, logging the detail of server-side
// failures (and, more quietly, of refused requests).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client left: nobody reads a problem, and a flood of these
		// must not read as server errors in the log.
		s.log.InfoContext(r.Context(), "api client went away", "method", r.Method, "path", r.URL.Path,
			"status", statusClientClosed, "request_id", requestID(r.Context()))
		w.WriteHeader(statusClientClosed)
		return
	}
	p := problemFor(r.Context(), err)
	switch {
	case p.Status >= 500:
		s.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path,
			"status", p.Status, "err", err, "request_id", requestID(r.Context()))
	case p.Status != http.StatusNotFound:
		s.log.InfoContext(r.Context(), "api request refused", "method", r.Method, "path", r.URL.Path,
			"status", p.Status, "err", err, "request_id", requestID(r.Context()))
	}
	writeProblem(w, p)
}

// statusClientClosed is the status logged for a request whose client left
// before the answer (nginx's 499): not a server error.
const statusClientClosed = 499

func writeProblem(w http.ResponseWriter, p problem) {
	for name, values := range p.header {
		w.Header()[name] = values
	}
	body, err := json.Marshal(p)
	if err != nil {
		// Only a representation that cannot be marshalled gets here; the
		// problem without it still tells the client what happened.
		p.Current = nil
		body, _ = json.Marshal(p)
	}
	w.Header().Set("Content-Type", mediaProblem)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}
