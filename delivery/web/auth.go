package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/user"
	"crm/usecase/auth"
)

// Authenticator is what sign-in needs from the auth use cases.
type Authenticator interface {
	SignIn(ctx context.Context, email, password, address string) (user.User, error)
	User(ctx context.Context, id int64) (user.User, error)
	// SetTimeZone records the zone rep id's browser reports.
	SetTimeZone(ctx context.Context, id int64, zone user.TimeZone) (user.User, error)
}

// sessionUserKey is where a session keeps the id of its signed-in rep.
const sessionUserKey = "user_id"

// actor names the rep making a request: the signed-in user's name, stored
// as updated_by and shown in banners and histories.
func actor(r *http.Request) string {
	u, _ := views.CurrentUser(r.Context())
	return u.Name
}

// requireUser lets a request through only with a session of a rep who
// still exists, and puts that rep in the context.
func (s *server) requireUser(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, sessionUserKey)
		if id == 0 {
			return s.toLogin(w, r)
		}
		u, err := s.auth.User(ctx, id)
		if errors.Is(err, domain.ErrUnauthenticated) {
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
			return s.toLogin(w, r)
		}
		if err != nil {
			return err
		}
		next.ServeHTTP(w, s.withDirectory(r.WithContext(views.WithUser(ctx, u))))
		return nil
	})
}

// errSignedOut is the answer to an htmx request without a session. The
// page stays: app.js sees headerSessionEnded, opens a sign-in dialog over
// the page and, once signed in, sends the same request again. The message
// is for a page without that script, where it lands in #flash.
var errSignedOut = &httpError{status: http.StatusUnauthorized, title: "Please sign in again",
	msg: "Your session has ended. Nothing was saved; sign in again in another tab, then save again here."}

// headerSessionEnded marks the answer to a request whose session ended.
const headerSessionEnded = "X-Session-Ended"

// toLogin answers a request without a session. A page load goes to the
// sign-in page, which brings the rep back to it; a plain form post is kept
// (see keepWrite) and the rep brought back to it; an htmx request gets a
// 401 the page answers with its sign-in dialog.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) error {
	if isHTMX(r) {
		w.Header().Set(headerSessionEnded, "true")
		return errSignedOut
	}
	target := "/login"
	switch {
	case r.Method == http.MethodGet:
		target += "?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
	case r.Method == http.MethodPost:
		if back := s.keepWrite(r); back != "" {
			target += "?" + url.Values{"next": {back}, "ended": {"1"}}.Encode()
		}
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login destination on this site: a path, never
// "//host" or "/\host" (which browsers read as another site) or a scheme.
// Browsers strip tabs and newlines from a URL and read "\" as "/", so
// "/\t/evil.example" is "//evil.example" to them: any backslash, control
// character, space or non-printing character refuses next outright, and
// what is left must parse as a path without scheme or host.
func safeNext(next string) string {
	odd := func(r rune) bool {
		return r == '\\' || r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || !unicode.IsPrint(r)
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.IndexFunc(next, odd) >= 0 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return next
}

func (s *server) showLogin(w http.ResponseWriter, r *http.Request) error {
	v := views.LoginView{Next: safeNext(r.URL.Query().Get("next"))}
	if s.sessions.GetInt64(r.Context(), sessionUserKey) != 0 {
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
		return nil
	}
	switch {
	case r.URL.Query().Get("signed_out") != "":
		v.Notice = "You are signed out."
	case r.URL.Query().Get("ended") != "":
		v.Notice = "Your session ended before your change was saved. Sign in to get back to it: what you typed is kept."
	}
	s.render(w, r, http.StatusOK, views.LoginPage(v), views.LoginPage(v))
	return nil
}

func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := views.LoginView{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next"))}
	u, err := s.auth.SignIn(r.Context(), v.Email, r.PostForm.Get("password"), s.clientAddress(r))
	var limited *auth.RateLimitedError
	switch {
	case err == nil:
	case errors.Is(err, domain.ErrUnauthenticated):
		v.Error = "The email or the password is wrong."
		s.render(w, r, http.StatusUnauthorized, views.LoginPage(v), views.LoginError(v))
		return nil
	case errors.As(err, &limited):
		secs := int(math.Ceil(limited.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = "Too many failed attempts. Try again in " + aboutSeconds(secs) + "."
		s.render(w, r, http.StatusTooManyRequests, views.LoginPage(v), views.LoginError(v))
		return nil
	default:
		return err
	}
	// A new session id at sign-in, so an id planted before (session
	// fixation) never becomes a signed-in one.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.noteTimeZone(r, u)
	if isHTMX(r) {
		// The sign-in dialog of a page whose session ended: the page stays,
		// and sends again what the rep was saving.
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// noteTimeZone records the zone the sign-in form reports (app.js fills it
// from the browser) when it differs from rep u's. It never stands in the
// way of signing in: a zone this server does not know, or a failure to
// record it, leaves the one stored, and the next page tries again (see
// setTimeZone).
func (s *server) noteTimeZone(r *http.Request, u user.User) {
	zone, err := user.ParseTimeZone(r.PostForm.Get(user.FieldTimeZone))
	if err != nil || zone == u.TimeZone {
		return
	}
	if _, err := s.auth.SetTimeZone(r.Context(), u.ID, zone); err != nil {
		s.log.WarnContext(r.Context(), "time zone not recorded", "err", err, "request_id", requestID(r.Context()))
	}
}

// setTimeZone records the zone a signed-in page reports when the browser's
// differs from the one stored (app.js asks), so the next pages show dates
// in it. A zone this server does not know is refused with 400.
func (s *server) setTimeZone(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	zone, err := user.ParseTimeZone(r.PostForm.Get(user.FieldTimeZone))
	if err != nil {
		return &badRequest{msg: fieldErrors(err)[user.FieldTimeZone] + " Nothing was changed."}
	}
	if u, _ := views.CurrentUser(r.Context()); zone != u.TimeZone {
		if _, err := s.auth.SetTimeZone(r.Context(), u.ID, zone); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	redirect(w, r, "/login?signed_out=1")
	return nil
}

// aboutSeconds says a wait of secs seconds as a rep reads it: "12
// seconds", "3 minutes".
func aboutSeconds(secs int) string {
	switch {
	case secs <= 1:
		return "a second"
	case secs < 90:
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}

// clientAddress is the address the sign-in limits count per: the
// connection's peer, unless that peer is one of the trusted proxies, in
// which case it is the last address of X-Forwarded-For that is not a
// trusted proxy (the one the nearest untrusted hop gave). Trusting the
// header from anyone else would let a guesser pick a fresh address for
// every try.
func (s *server) clientAddress(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if !s.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			return peer // a malformed hop: trust nothing before it
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return peer
}

// trusted reports whether address is one of the trusted proxies.
func (s *server) trusted(address string) bool {
	a, err := netip.ParseAddr(address)
	if err != nil {
		return false
	}
	for _, p := range s.proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// sessionStoreFailed answers a request whose session could not be loaded
// or saved. The store is the database, so it is an outage: 503.
func (s *server) sessionStoreFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.fail(w, r, fmt.Errorf("session store: %w: %w", domain.ErrUnavailable, err))
}
