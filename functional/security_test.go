package functional

import (
	"crm/domain/user"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/delivery/web"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
)

// The findings of the security review (issue 11), one test each.

// openRedirects are sign-in destinations a browser would follow to another
// site once it strips what it strips (tabs, newlines) and reads "\" as "/".
var openRedirects = []string{
	"//evil.example/steal", `/\evil.example`, "https://evil.example/", "javascript:alert(1)",
	"/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "/\r/evil.example", "/\v/evil.example",
	"/\f/evil.example", "/\u00a0/evil.example", "/\u3000/evil.example", "\t//evil.example", "/ /evil.example",
	"/\\/evil.example", "/%2F/evil.example\\", "\\\\evil.example", "/\x00/evil.example", "/\u200b/evil.example",
}

// Finding 1: no sign-in destination leaves the site, before or after
// signing in.
func TestSignInNeverRedirectsToAnotherSite(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, next := range openRedirects {
		after := a.anonymous(http.MethodPost, "/login", url.Values{
			"email": {"maria@example.com"}, "password": {"maria" + testPasswordSuffix}, "next": {next}})
		if after.status != http.StatusBadRequest { // a form with NUL is refused as a whole
			require.Equal(t, http.StatusSeeOther, after.status, "next=%q", next)
			assert.Equal(t, "/", after.header.Get("Location"), "after signing in, next=%q stays on this site", next)
		}

		before := a.get("/login?" + url.Values{"next": {next}}.Encode())
		if before.status != http.StatusBadRequest { // an address with control characters is refused as a whole
			require.Equal(t, http.StatusSeeOther, before.status, "next=%q", next)
			assert.Equal(t, "/", before.header.Get("Location"), "signed in already, next=%q stays on this site", next)
		}
	}
	for _, next := range []string{"/leads", "/leads/12?resume=ABC", "/contacts?q=ada&after=3", "/%2F/on-this-site"} {
		res := a.get("/login?" + url.Values{"next": {next}}.Encode())
		assert.Equal(t, next, res.header.Get("Location"), "a path on this site is kept")
	}
}

// Finding 5: no query parameter of any page can reach the database with
// something that is not text.
func TestPagesRefuseQueriesThatAreNotText(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	before := a.dbState()
	for _, path := range []string{
		"/leads?q=%00", "/contacts?q=%00", "/leads?q=ada%00", "/leads?status=%00", "/deals?stage=%00",
		"/leads?after=%00", "/trash?after=1%00", "/leads?q=%FF", "/contacts?q=%C3", "/leads/new?x=%00",
		leadPath(l) + "?notice=%00", leadPath(l) + "?resume=%00", "/leads?q%00=x", "/deals/new?contact=%07",
	} {
		res := a.get(path)
		assert.Equal(t, http.StatusBadRequest, res.status, path)
		assert.Contains(t, res.body, "The address holds characters that are not text", path)
	}
	assert.Equal(t, before, a.dbState())
	assert.Equal(t, http.StatusOK, a.get("/leads?q=Zo%C3%A9").status, "text in any language is text")
	assert.Equal(t, "/", a.get("/login?next=%00").header.Get("Location"), "the sign-in page cleans its next instead")
}

// Finding 11: no folder listings, no cached personal data.
func TestNoFolderListingsAndNoCachedPersonalData(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	for _, path := range []string{"/static/", "/static/vendor/", "/static/vendor"} {
		res := a.get(path)
		assert.Equal(t, http.StatusNotFound, res.status, path)
		assert.NotContains(t, res.body, "htmx.min.js", "%s lists nothing", path)
	}

	page := a.get(leadPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "no-store", page.header.Get("Cache-Control"), "a lead's page is personal data")
	assert.Equal(t, "no-store", a.get("/leads?q=ada").header.Get("Cache-Control"))
	token, err := a.createToken("ann@example.com")
	require.NoError(t, err)
	res := a.apiCall(http.MethodGet, "/api/v1/leads/"+strconv.FormatInt(l.ID(), 10), token, "", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"), "so is the API's")

	asset := regexp.MustCompile(`/static/app\.css\?v=\w+`).FindString(page.body)
	require.NotEmpty(t, asset)
	assert.Equal(t, "public, max-age=31536000, immutable", a.get(asset).header.Get("Cache-Control"), "assets stay cacheable")
}

// Finding 4: one rep cannot take every live-notice slot, and a stream is
// only opened for a record that exists.
func TestLiveNoticesAreSharedFairly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	maria := a.signIn("maria")
	for range web.MaxStreamsPerRep {
		a.openStream(leadPath(l)+"/live", maria)
	}
	require.Eventually(t, func() bool { return a.feed.Watchers() == web.MaxStreamsPerRep }, 5*time.Second, 10*time.Millisecond)

	res := a.doWith(maria, http.MethodGet, leadPath(l)+"/live", nil, false)
	assert.Equal(t, http.StatusTooManyRequests, res.status, "one rep's streams are bounded")
	assert.Equal(t, "30", res.header.Get("Retry-After"))
	assert.Contains(t, res.body, "Live notices are paused; the page still works.")
	a.openStream(leadPath(l)+"/live", a.session) // Ann still gets hers (it requires 200)

	for _, path := range []string{"/leads/424242/live", "/contacts/424242/live", "/deals/424242/live"} {
		assert.Equal(t, http.StatusNotFound, a.get(path).status, path)
	}
	assert.Equal(t, web.MaxStreamsPerRep+1, a.feed.Watchers(), "no slot taken for a record that is not there")
}

// signInFrom posts the sign-in form as if from address, told by a proxy.
func (a *instance) signInFrom(email, password, address string) response {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/login",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if address != "" {
		req.Header.Set("X-Forwarded-For", "198.51.100.200, "+address)
	}
	return a.send(req)
}

// Finding 2: guesses sent together are all counted, so only the free
// tries are checked and the limit holds for the right password too.
func TestGuessesSentTogetherAreAllCounted(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	statuses := make([]int, 40)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range statuses {
		wg.Go(func() {
			<-start
			statuses[i] = a.signInFrom("john@example.com", "guess", "").status
		})
	}
	close(start)
	wg.Wait()

	checked := 0
	for _, s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("a guess answered %d", s)
		}
	}
	assert.LessOrEqual(t, checked, auth.DefaultLimits.FreeTries, "only the free tries were checked against the password")
	res := a.signInFrom("john@example.com", "john"+testPasswordSuffix, "")
	assert.Equal(t, http.StatusTooManyRequests, res.status, "the right password waits too")
	assert.NotEmpty(t, res.header.Get("Retry-After"))
}

// Finding 3: nobody can lock a rep out of the address they sign in from,
// and behind a trusted proxy each client is counted on its own.
func TestAGuesserCannotLockARepOutOfTheirOwnAddress(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	a := newInstanceWith(t, db, db.Pool, app.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	_, err := a.auth.AddUser(t.Context(), "maria@example.com", "maria", "maria"+testPasswordSuffix, user.RoleRep)
	require.NoError(t, err)
	const office = "192.0.2.7"
	require.Equal(t, http.StatusSeeOther, a.signInFrom("maria@example.com", "maria"+testPasswordSuffix, office).status)

	for i := range auth.DefaultLimits.PerAccount {
		address := fmt.Sprintf("203.0.113.%d", i/auth.DefaultLimits.FreeTries)
		require.Equal(t, http.StatusUnauthorized, a.signInFrom("maria@example.com", "guess", address).status,
			"each address gets its own free tries (guess %d)", i+1)
	}
	res := a.signInFrom("maria@example.com", "maria"+testPasswordSuffix, "198.51.100.9")
	assert.Equal(t, http.StatusTooManyRequests, res.status, "past the account's ceiling, a new address waits")
	assert.Equal(t, "900", res.header.Get("Retry-After"))

	res = a.signInFrom("maria@example.com", "maria"+testPasswordSuffix, office)
	assert.Equal(t, http.StatusSeeOther, res.status, "Maria still signs in from her office")
}

func TestXForwardedForIsIgnoredUnlessFromATrustedProxy(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for n := range auth.DefaultLimits.FreeTries {
		require.Equal(t, http.StatusUnauthorized, a.signInFrom("john@example.com", "guess", fmt.Sprintf("203.0.113.%d", n)).status)
	}
	res := a.signInFrom("john@example.com", "guess", "203.0.113.99")
	assert.Equal(t, http.StatusTooManyRequests, res.status, "a fresh X-Forwarded-For buys no fresh tries")
}

// Finding 9: text is one text whatever its Unicode form, and a name must
// show something.
func TestTextIsComparedInOneFormAndNamesMustShow(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res := a.post("/leads", url.Values{"name": {"Zoe\u0301 Martin"}, "email": {"zoe@example.com"}, "score": {"0"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	for _, q := range []string{"Zo\u00e9", "Zoe\u0301", "zo\u00c9 mar"} {
		page := a.get("/leads?" + url.Values{"q": {q}}.Encode())
		assert.Contains(t, page.body, "Zo\u00e9 Martin", "a search for %q finds Zoé saved in another form", q)
	}

	before := a.dbState()
	for _, name := range []string{"\u200b", "\u3164\u3164", "\u2800", "\u0301"} {
		res := a.post("/leads", url.Values{"name": {name}, "score": {"0"}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, "%q", name)
		assert.Contains(t, res.body, "Name must have a character you can see.")
	}
	res = a.post("/leads", url.Values{"name": {"Ada"}, "email": {"ada\u200b@example.com"}, "score": {"0"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Email must not contain invisible characters.")
	assert.Equal(t, before, a.dbState(), "nothing stored")
}
