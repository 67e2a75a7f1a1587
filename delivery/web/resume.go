package web

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"crm/delivery/web/views"
)

// A write whose session ended is not thrown away. With JavaScript the page
// stays and a sign-in dialog sends it again (app.js). Without it, the
// posted form is kept in the session, which sign-in carries over (scs
// renews the token, not the data), under a one-time key that the sign-in
// page's next address names; the record's page, reached with that key,
// shows the form again as the rep typed it, at the version they started
// from, so their Save merges as any save does.

// resumePrefix starts the session keys of kept forms.
const resumePrefix = "resume:"

// resumedNotice is what the page says over a form brought back.
const resumedNotice = "You are signed in again. Your session had ended before your last change reached the server: " +
	"what you typed is back in the form, not saved yet. Check it and save again."

// resumePage is the page a write to path comes back to: the record's page
// for a write to a record (/leads/12 for /leads/12/status), the create form
// for a create (/leads/new for /leads); false for any other write.
func resumePage(path string) (string, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 1 && strings.HasSuffix(parts[0], "s") && parts[0] != "logout":
		return "/" + parts[0] + "/new", true
	case len(parts) >= 2 && strings.HasSuffix(parts[0], "s"):
		if id, err := strconv.ParseInt(parts[1], 10, 64); err == nil && id > 0 {
			return "/" + parts[0] + "/" + parts[1], true
		}
	}
	return "", false
}

// keepWrite keeps the form r posted, for the page it comes back to, and
// returns that page's address with the one-time key; "" when r is not a
// write that comes back to a page, or its form cannot be read.
func (s *server) keepWrite(r *http.Request) string {
	page, ok := resumePage(r.URL.Path)
	if !ok || parseForm(r) != nil {
		return ""
	}
	key := rand.Text() // base32: safe in a URL as it is
	s.sessions.Put(r.Context(), resumePrefix+key, page+"\n"+r.PostForm.Encode())
	return page + "?" + url.Values{"resume": {key}}.Encode()
}

// takeKept returns, and forgets, the form kept under the resume key of r
// for r's page; false when there is none (used already, another page's,
// or another session's).
func (s *server) takeKept(ctx context.Context, r *http.Request) (url.Values, bool) {
	key := r.URL.Query().Get("resume")
	if key == "" {
		return nil, false
	}
	kept := s.sessions.PopString(ctx, resumePrefix+key)
	page, encoded, ok := strings.Cut(kept, "\n")
	if !ok || page != r.URL.Path {
		return nil, false
	}
	values, err := url.ParseQuery(encoded)
	return values, err == nil
}

// keptForm is the form kept for r's page, its inputs as the rep typed them
// and its version, prefixed as a kind's forms are; false when none was
// kept or it held none of inputs (a delete, say: nothing typed to bring
// back).
func (s *server) keptForm(r *http.Request, prefix string, inputs []string) (views.Form, bool) {
	values, ok := s.takeKept(r.Context(), r)
	if !ok {
		return views.Form{}, false
	}
	form := views.Form{Prefix: prefix, Values: map[string]string{}}
	typed := false
	for _, name := range inputs {
		if v, ok := values[name]; ok {
			form.Values[name], typed = v[0], true
		}
	}
	form.Version, _ = strconv.ParseInt(values.Get("version"), 10, 64)
	return form, typed
}
