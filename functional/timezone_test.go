package functional

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/domain/lead"
	"crm/domain/user"
)

// savedByTitle is the exact date, time and zone of a record page's last
// save, the title of its <time>.
var savedByTitle = regexp.MustCompile(`saved by [^<]*<time datetime="[^"]+" title="[^"]+ ([^" ]+)">`)

// shownZone is the zone abbreviation a record page's last save is shown
// in ("JST", "UTC").
func shownZone(t *testing.T, body string) string {
	t.Helper()
	m := savedByTitle.FindStringSubmatch(body)
	require.NotNil(t, m, "no last save on the page:\n%s", body)
	return m[1]
}

// repZone is the time zone stored for rep.
func (a *instance) repZone(rep string) user.TimeZone {
	a.t.Helper()
	users, err := a.auth.Users(context.Background())
	require.NoError(a.t, err)
	for _, u := range users {
		if u.Email == rep+"@example.com" {
			return u.TimeZone
		}
	}
	a.t.Fatalf("no rep %s", rep)
	return ""
}

// TestTheRepsTimeZone: the sign-in form's zone is stored on the rep and
// every date their pages show is in it, UTC until one is known; a signed-in
// page may report another, and a zone this server does not know is
// refused with 400, changing nothing, but never stops a sign-in.
func TestTheRepsTimeZone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})

	page := a.get(leadPath(l))
	assert.Equal(t, "UTC", shownZone(t, page.body), "no zone reported yet")
	assert.Contains(t, page.body, `<body data-time-zone="">`, "the page says it knows none")

	signIn := func(zone string) *http.Cookie {
		t.Helper()
		res := a.anonymous(http.MethodPost, "/login", url.Values{"email": {"maria@example.com"},
			"password": {"maria" + testPasswordSuffix}, "next": {"/leads"}, "time_zone": {zone}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		for _, c := range (&http.Response{Header: res.header}).Cookies() {
			if c.Name == app.SessionCookie {
				return c
			}
		}
		t.Fatal("no session cookie")
		return nil
	}
	maria := signIn("Asia/Tokyo")
	assert.Equal(t, user.TimeZone("Asia/Tokyo"), a.repZone("maria"))
	page = a.doWith(maria, http.MethodGet, leadPath(l), nil, false)
	assert.Equal(t, "JST", shownZone(t, page.body))
	assert.Contains(t, page.body, `<body data-time-zone="Asia/Tokyo">`)
	assert.Equal(t, "UTC", shownZone(t, a.get(leadPath(l)).body), "each rep has their own")

	signIn("Mars/Olympus_Mons")
	assert.Equal(t, user.TimeZone("Asia/Tokyo"), a.repZone("maria"), "an unknown zone signs in and keeps the one stored")

	res := a.doWith(maria, http.MethodPost, "/me/time-zone", url.Values{"time_zone": {"Nowhere/Special"}}, true)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.body, `&#34;Nowhere/Special&#34; is not a time zone this CRM knows, such as Europe/Lisbon. Nothing was changed.`)
	assert.Equal(t, user.TimeZone("Asia/Tokyo"), a.repZone("maria"))

	res = a.doWith(maria, http.MethodPost, "/me/time-zone", url.Values{"time_zone": {"Europe/Lisbon"}}, true)
	assert.Equal(t, http.StatusNoContent, res.status, res.body)
	assert.Equal(t, user.TimeZone("Europe/Lisbon"), a.repZone("maria"))
	page = a.doWith(maria, http.MethodGet, leadPath(l), nil, false)
	assert.Contains(t, []string{"WET", "WEST"}, shownZone(t, page.body))

	res = a.doWith(nil, http.MethodPost, "/me/time-zone", url.Values{"time_zone": {"Europe/Lisbon"}}, true)
	assert.Equal(t, http.StatusUnauthorized, res.status, "only a signed-in rep has a zone")
}

// inZone has a browser tab report zone as its own ("" for the machine's).
func inZone(zone string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return chromedp.Void{}, err
	}
}

// TestBrowserDatesAreInTheRepsTimeZone: signing in from a browser in
// Tokyo shows the dates in Tokyo time; once the browser is in Lisbon, the
// first page it opens reports the new zone and the next shows Lisbon time.
func TestBrowserDatesAreInTheRepsTimeZone(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	tab, cancel := chromedp.NewContext(newBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	savedAt := func() string {
		t.Helper()
		title, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('[data-testid="lead-version"]').parentElement.querySelector('time').title`))
		require.NoError(t, err)
		return title
	}

	require.NoError(t, chromedp.Do(tab,
		inZone("Asia/Tokyo"),
		chromedp.Navigate(a.srv.URL+"/login?next="+url.QueryEscape(leadPath(l))),
		chromedp.SetValue(chromedp.CSS(`#login-email`), "maria@example.com"),
		chromedp.SetValue(chromedp.CSS(`#login-password`), "maria"+testPasswordSuffix),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-version"]`)),
	))
	assert.Regexp(t, ` JST$`, savedAt(), "the sign-in form said where the rep is")

	require.NoError(t, chromedp.Do(tab,
		inZone(""), inZone("Europe/Lisbon"),
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-version"]`)),
	))
	assert.Regexp(t, ` JST$`, savedAt(), "this page was drawn before the browser said")
	require.NoError(t, chromedp.Do(tab,
		chromedp.Poll[chromedp.Void](`fetch(location.pathname).then(r => r.text()).then(html => html.includes('data-time-zone="Europe/Lisbon"'))`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-version"]`)),
	))
	assert.Regexp(t, ` WES?T$`, savedAt(), "the next page is in Lisbon time")
	assert.Equal(t, user.TimeZone("Europe/Lisbon"), a.repZone("maria"))
}
