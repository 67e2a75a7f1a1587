package functional

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/domain/lead"
)

func TestPagesNeedASession(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	for _, path := range []string{"/", "/leads", "/leads?status=NEW", leadPath(l), "/contacts", "/deals", "/leads/new"} {
		res := a.anonymous(http.MethodGet, path, nil)
		require.Equal(t, http.StatusSeeOther, res.status, path)
		assert.Equal(t, "/login?"+url.Values{"next": {path}}.Encode(), res.header.Get("Location"), path)
	}
	res := a.anonymous(http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "99"}))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Regexp(t, `^/login\?ended=1&next=%2Fleads%2F\d+%3Fresume%3D\w+$`, res.header.Get("Location"),
		"a write comes back to its record once signed in (see holes_test.go)")
	assert.Equal(t, int64(1), a.lead(l.ID()).Version(), "nothing saved without a session")

	htmx := a.doWith(nil, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "99"}), true)
	assert.Equal(t, http.StatusUnauthorized, htmx.status)
	assert.Empty(t, htmx.header.Get("HX-Redirect"), "the page stays: it opens its sign-in dialog")
	assert.Equal(t, "true", htmx.header.Get("X-Session-Ended"))
	assert.Contains(t, htmx.body, "Your session has ended. Nothing was saved")

	for _, path := range []string{"/healthz", "/readyz", "/login", "/static/app.css"} {
		assert.Equal(t, http.StatusOK, a.anonymous(http.MethodGet, path, nil).status, "%s needs no session", path)
	}
	forged := &http.Cookie{Name: app.SessionCookie, Value: "forged-token"}
	assert.Equal(t, http.StatusSeeOther, a.doWith(forged, http.MethodGet, "/leads", nil, false).status)
}

func TestSignInRenewsTheSessionAndGoesBackWhereTheRepWas(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	// A session id from before sign-in (planted, say) must not become the
	// signed-in one.
	before := a.anonymous(http.MethodGet, "/login?next=%2Fcontacts", nil)
	require.Equal(t, http.StatusOK, before.status)
	assert.Contains(t, before.body, `name="next" value="/contacts"`)

	res := a.anonymous(http.MethodPost, "/login", url.Values{
		"email": {"MARIA@example.com"}, "password": {"maria" + testPasswordSuffix}, "next": {"/contacts"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/contacts", res.header.Get("Location"))
	cookie := res.header.Get("Set-Cookie")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Lax")

	session := a.signIn("maria")
	page := a.doWith(session, http.MethodGet, "/leads", nil, false)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `data-testid="signed-in-as">maria<`)

	// Signing in again over an existing session gets a new session id and
	// retires the old one.
	again := a.doWith(session, http.MethodPost, "/login", url.Values{
		"email": {"john@example.com"}, "password": {"john" + testPasswordSuffix}}, false)
	require.Equal(t, http.StatusSeeOther, again.status)
	var renewed *http.Cookie
	for _, c := range (&http.Response{Header: again.header}).Cookies() {
		if c.Name == app.SessionCookie {
			renewed = c
		}
	}
	require.NotNil(t, renewed)
	assert.NotEqual(t, session.Value, renewed.Value)
	assert.Equal(t, http.StatusSeeOther, a.doWith(session, http.MethodGet, "/leads", nil, false).status, "the old id is gone")
	assert.Contains(t, a.doWith(renewed, http.MethodGet, "/leads", nil, false).body, `data-testid="signed-in-as">john<`)

	for _, next := range []string{"//evil.example/steal", `/\evil.example`, "https://evil.example/", "javascript:alert(1)"} {
		res := a.anonymous(http.MethodPost, "/login", url.Values{
			"email": {"maria@example.com"}, "password": {"maria" + testPasswordSuffix}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, "/", res.header.Get("Location"), "next=%q stays on this site", next)
	}
}

func TestSignInRefusesWrongPasswordsAndLimitsGuessing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	try := func(email, password string) response {
		return a.anonymous(http.MethodPost, "/login", url.Values{"email": {email}, "password": {password}})
	}

	res := try("john@example.com", "not his password")
	assert.Equal(t, http.StatusUnauthorized, res.status)
	assert.Contains(t, res.body, "The email or the password is wrong.")
	assert.Contains(t, res.body, `value="john@example.com"`, "the email is kept")
	assert.Empty(t, res.header.Values("Set-Cookie"), "no session for a failure")
	assert.Equal(t, http.StatusUnauthorized, try("nobody@example.com", "whatever").status, "same answer for an unknown email")

	for range 2 {
		require.Equal(t, http.StatusUnauthorized, try("john@example.com", "still wrong").status)
	}
	res = try("john@example.com", "john"+testPasswordSuffix)
	assert.Equal(t, http.StatusTooManyRequests, res.status, "past three tries from one address, each next one waits")
	assert.Equal(t, "1", res.header.Get("Retry-After"))
	assert.Contains(t, res.body, "Too many failed attempts. Try again in a second.")
	assert.Equal(t, http.StatusSeeOther, try("maria@example.com", "maria"+testPasswordSuffix).status,
		"other accounts from this address still sign in")
}

func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	session := a.signIn("maria")
	require.Equal(t, http.StatusOK, a.doWith(session, http.MethodGet, "/leads", nil, false).status)

	res := a.doWith(session, http.MethodPost, "/logout", url.Values{}, false)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/login?signed_out=1", res.header.Get("Location"))
	assert.Equal(t, http.StatusSeeOther, a.doWith(session, http.MethodGet, "/leads", nil, false).status,
		"the old cookie no longer signs anyone in")
	assert.Contains(t, a.anonymous(http.MethodGet, "/login?signed_out=1", nil).body, "You are signed out.")
}

func TestADeletedRepIsSignedOut(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	session := a.signIn("john")
	_, err := a.db.Pool.Exec(context.Background(), `DELETE FROM users WHERE email = 'john@example.com'`)
	require.NoError(t, err)

	res := a.doWith(session, http.MethodGet, "/leads", nil, false)
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/login"))
}

func TestSavesRecordTheSignedInRep(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	maria := a.signIn("maria")

	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "91"}), true)
	require.Equal(t, http.StatusOK, res.status, res.body)
	saved := a.lead(l.ID())
	assert.Equal(t, "maria", saved.UpdatedBy())

	// John, still at version 1, sees who saved.
	john := a.signIn("john")
	res = a.doWith(john, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "40"}), true)
	require.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "maria changed this lead after you opened it")
	assert.Regexp(t, `(?s)data-version="2" data-event="LeadUpdated".*Updated by maria`, res.body)
	assert.Equal(t, 91, a.lead(l.ID()).Fields().Score)
	assert.Equal(t, lead.StatusNew, saved.Status())
}

func TestRequestSafety(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	t.Run("every response carries the security headers", func(t *testing.T) {
		for _, path := range []string{"/leads", "/login", "/healthz", "/nope", "/static/app.css"} {
			res := a.get(path)
			csp := res.header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "script-src 'self'", path)
			assert.NotContains(t, csp, "unsafe-inline", path)
			assert.Contains(t, csp, "frame-ancestors 'none'", path)
			assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"), path)
			assert.Equal(t, "same-origin", res.header.Get("Referrer-Policy"), path)
		}
	})
	t.Run("a write from another site is refused", func(t *testing.T) {
		for name, header := range map[string][2]string{
			"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site"},
			"a foreign Origin":          {"Origin", "https://evil.example"},
		} {
			req, err := http.NewRequest(http.MethodPost, a.srv.URL+leadPath(l),
				strings.NewReader(leadForm(l, 1, map[string]string{"score": "1"}).Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(header[0], header[1])
			req.AddCookie(a.session)
			res := a.send(req)
			assert.Equal(t, http.StatusForbidden, res.status, name)
			assert.Contains(t, res.body, "This request came from another site. Nothing was saved.", name)
		}
		assert.Equal(t, int64(1), a.lead(l.ID()).Version())
	})
	t.Run("a same-origin write goes through", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, a.srv.URL+leadPath(l),
			strings.NewReader(leadForm(l, 1, map[string]string{"score": "2"}).Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(a.session)
		assert.Equal(t, http.StatusSeeOther, a.send(req).status)
		assert.Equal(t, 2, a.lead(l.ID()).Fields().Score)
	})
}
