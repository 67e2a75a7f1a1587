package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"crm/delivery/web/views"
	"crm/domain"
)

// badRequest is input the handler could not decode: a missing version, a
// malformed id. Its message is safe to show.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

var (
	errPageNotFound     = &httpError{status: http.StatusNotFound, title: "Page not found", msg: "There is nothing at this address."}
	errCrossOrigin      = &httpError{status: http.StatusForbidden, title: "Refused", msg: "This request came from another site. Nothing was saved."}
	errMethodNotAllowed = &httpError{status: http.StatusMethodNotAllowed, title: "Method not allowed", msg: "This address does not accept that kind of request."}
)

// httpError is an answer decided by routing rather than by a use case.
type httpError struct {
	status     int
	title, msg string
}

func (e *httpError) Error() string { return e.title }

// msgCommitUnknown is what a rep reads when the connection broke while
// their save was committing (a database failover, say).
const msgCommitUnknown = "The connection to the database broke while your save was being committed: " +
	"the save may or may not have landed — reload to see. If it did not, save again."

// errorView is the one table from errors to status codes and the words a rep
// sees. Anything it does not know is a 500 whose detail stays in the log.
func errorView(ctx context.Context, err error) views.ErrorView {
	var (
		bad      *badRequest
		tooLarge *http.MaxBytesError
		routed   *httpError
		invalid  *domain.ValidationError
		rule     *domain.RuleError
		missing  *domain.NotFoundError
		deleted  *domain.DeletedError
		denied   *domain.ForbiddenError
	)
	switch {
	case errors.As(err, &routed):
		return views.ErrorView{Status: routed.status, Title: routed.title, Message: routed.msg}
	case errors.As(err, &bad):
		return views.ErrorView{Status: http.StatusBadRequest, Title: "Bad request", Message: bad.msg}
	case errors.As(err, &tooLarge):
		return views.ErrorView{Status: http.StatusRequestEntityTooLarge, Title: "Too much data",
			Message: "The form is larger than 1 MiB. Nothing was saved."}
	case errors.Is(err, domain.ErrUnauthenticated):
		return views.ErrorView{Status: http.StatusUnauthorized, Title: "Please sign in", Message: "Nothing was saved."}
	case errors.As(err, &denied):
		return views.ErrorView{Status: http.StatusForbidden, Title: "Not allowed", Message: denied.Message}
	case errors.As(err, &deleted):
		// The record pages show their own banner; this is for the others
		// (the conversion page of a deleted lead).
		return views.ErrorView{Status: http.StatusConflict, Title: "Deleted",
			Message: fmt.Sprintf("%s deleted it at %s. Nothing was saved: restore it from the Trash first.",
				views.Who(deleted.By), deleted.At.In(views.Location(ctx)).Format("Jan 2, 15:04"))}
	case errors.As(err, &missing):
		return views.ErrorView{Status: http.StatusNotFound, Title: views.KindTitle(missing.Kind) + " not found",
			Message: "It does not exist or someone deleted it."}
	case errors.Is(err, domain.ErrNotFound):
		return views.ErrorView{Status: http.StatusNotFound, Title: "Not found",
			Message: "It does not exist or someone deleted it."}
	case errors.As(err, &invalid):
		return views.ErrorView{Status: http.StatusUnprocessableEntity, Title: "Please check the form", Message: invalid.Error()}
	case errors.As(err, &rule):
		return views.ErrorView{Status: http.StatusUnprocessableEntity, Title: "Not allowed", Message: rule.Message}
	case domain.IsOptimisticLock(err):
		return views.ErrorView{Status: http.StatusConflict, Title: "Changed by someone else",
			Message: "Someone saved this after you opened it. Reload to see the current version."}
	case errors.Is(err, domain.ErrCommitUnknown):
		// Checked before ErrUnavailable, which it wraps: here "nothing was
		// saved" could be a lie that makes the rep type it all again.
		return views.ErrorView{Status: http.StatusServiceUnavailable, Title: "The database connection broke while saving",
			Message: msgCommitUnknown}
	case errors.Is(err, domain.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return views.ErrorView{Status: http.StatusServiceUnavailable, Title: "The database is not reachable",
			Message: "Nothing was saved. Please try again in a moment."}
	}
	return views.ErrorView{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "Nothing was saved. If it happens again, quote request " + requestID(ctx) + "."}
}

// statusClientClosed is the status logged for a request whose client left
// before the answer (nginx's 499): not a server error.
const statusClientClosed = 499

// clientGone reports whether err only says that r's client went away.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// fail answers err with the page or fragment errorView chooses, logging the
// detail of server-side failures.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		// Nobody reads the answer, and a flood of them must not read as
		// server errors in the log.
		s.log.InfoContext(r.Context(), "client went away", "method", r.Method, "path", r.URL.Path,
			"status", statusClientClosed, "request_id", requestID(r.Context()))
		w.WriteHeader(statusClientClosed)
		return
	}
	v := errorView(r.Context(), err)
	switch {
	case v.Status >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "err", err, "status", v.Status, "request_id", requestID(r.Context()))
	case v.Status != http.StatusNotFound:
		s.log.InfoContext(r.Context(), "request refused", "err", err, "status", v.Status)
	}
	if v.Status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "5")
	}
	s.render(w, r, v.Status, views.ErrorPage(v), views.ErrorMessage(v))
}

// render writes full for ordinary requests and fragment for htmx requests,
// with status. templ renders into a buffer first, so a failing template
// becomes a clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, full, fragment templ.Component) {
	// Rendering waits on nothing, and the answer to a request past its
	// deadline (a 503 for a frozen database) must still be drawn.
	r = r.WithContext(context.WithoutCancel(r.Context()))
	c := full
	if isHTMX(r) {
		c = fragment
	}
	templ.Handler(c, templ.WithStatus(status), templ.WithErrorHandler(func(r *http.Request, err error) http.Handler {
		s.log.ErrorContext(r.Context(), "render failed", "err", err, "request_id", requestID(r.Context()))
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "Something went wrong. Nothing was saved.", http.StatusInternalServerError)
		})
	})).ServeHTTP(w, r)
}

// htmx request and response headers.
const (
	headerHXRequest  = "HX-Request"
	headerHXRedirect = "HX-Redirect"
)

func isHTMX(r *http.Request) bool { return r.Header.Get(headerHXRequest) == "true" }

// redirect sends the browser to url after a successful write: a 303 for a
// plain form post, HX-Redirect for htmx (fetch would follow a 303 itself
// and swap the whole page into the target).
func redirect(w http.ResponseWriter, r *http.Request, url string) {
	if isHTMX(r) {
		w.Header().Set(headerHXRedirect, url)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}
