package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
)

// dbState is everything a refused request must leave as it was: every row
// of the aggregates, as text, and how many events and versions exist.
func (a *instance) dbState() string {
	a.t.Helper()
	var state string
	err := a.db.Pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(l::text, ';' ORDER BY id) FROM leads l),
		(SELECT string_agg(c::text, ';' ORDER BY id) FROM contacts c),
		(SELECT string_agg(d::text, ';' ORDER BY id) FROM deals d),
		(SELECT count(*) FROM activity), (SELECT count(*) FROM lead_versions))`).Scan(&state)
	require.NoError(a.t, err)
	return state
}

// rawRequest sends body as a form post to path, signed in as Ann, with
// extra headers.
func (a *instance) rawRequest(method, path, body string, headers map[string]string) response {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(a.session)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return a.send(req)
}

// Markup that would run script if a page rendered it as HTML.
const (
	scriptTag  = `<script>window.pwned=1</script>`
	imgOnerror = `<img src=x onerror="window.pwned=2">`
	sqlBreaker = `Robert'); DROP TABLE leads;--`
)

func TestHostileInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	c := a.seedContact(grace)
	d, err := a.deals.Create(context.Background(), "seed", c.ID(), engines)
	require.NoError(t, err)

	form := func(changes map[string]string) string { return leadForm(l, 1, changes).Encode() }
	dealBody := func(changes map[string]string) string { return dealForm(d, 1, changes).Encode() }

	// Refusals: each must answer its status and change nothing at all.
	refused := []struct {
		name    string
		method  string
		path    string
		body    string
		headers map[string]string
		status  int
		says    string
	}{
		{"invalid UTF-8 in a value", "POST", leadPath(l), "version=1&name=Ada%ff%fe", nil, 400, "bytes that are not text"},
		{"invalid UTF-8 in a key", "POST", leadPath(l), "version=1&na%ffme=Ada", nil, 400, "bytes that are not text"},
		{"a NUL byte in a value", "POST", leadPath(l), "version=1&name=Ada%00Lovelace", nil, 400, "bytes that are not text"},
		{"a 10 MB body", "POST", leadPath(l), "version=1&notes=" + strings.Repeat("x", 10<<20), nil, 413, "larger than 1 MiB"},
		{"a negative version", "POST", leadPath(l), form(map[string]string{"version": "-1"}), nil, 400, "version is not valid"},
		{"a zero version", "POST", leadPath(l), form(map[string]string{"version": "0"}), nil, 400, "version is not valid"},
		{"a version past int64", "POST", leadPath(l), form(map[string]string{"version": "99999999999999999999"}), nil, 400, "version is not valid"},
		{"a version that is not a number", "POST", leadPath(l), form(map[string]string{"version": "1; DROP TABLE leads"}), nil, 400, "version is not valid"},
		{"no version", "POST", leadPath(l), "name=Ada", nil, 400, "no version"},
		{"a version from the future", "POST", leadPath(l), form(map[string]string{"version": "99", "score": "1"}), nil, 409, "changed this lead"},
		{"an unknown status", "POST", leadPath(l) + "/status", "version=1&status=WON", nil, 422, `is not a status`},
		{"a status in lower case", "POST", leadPath(l) + "/status", "version=1&status=contacted", nil, 422, "is not a status"},
		{"a status with SQL in it", "POST", leadPath(l) + "/status", "version=1&status=" + url.QueryEscape("NEW' OR '1'='1"), nil, 422, "is not a status"},
		{"score 80.5", "POST", leadPath(l), form(map[string]string{"score": "80.5"}), nil, 422, "Score must be a whole number"},
		{"score 1e3", "POST", leadPath(l), form(map[string]string{"score": "1e3"}), nil, 422, "Score must be a whole number"},
		{"score -1", "POST", leadPath(l), form(map[string]string{"score": "-1"}), nil, 422, "Score must be between 0 and 100; got -1."},
		{"score 101", "POST", leadPath(l), form(map[string]string{"score": "101"}), nil, 422, "Score must be between 0 and 100; got 101."},
		{"score 0x50", "POST", leadPath(l), form(map[string]string{"score": "0x50"}), nil, 422, "Score must be a whole number"},
		{"a name over 200 characters", "POST", leadPath(l), form(map[string]string{"name": strings.Repeat("é", 201)}), nil, 422, "Name"},
		{"an email carrying a header", "POST", leadPath(l), form(map[string]string{"email": "ada@example.com\r\nBcc: all@example.com"}), nil, 422, "email"},
		{"a duplicated score", "POST", leadPath(l), form(nil) + "&score=99", nil, 400, `&#34;score&#34; was sent more than once`},
		{"a duplicated version", "POST", leadPath(l), form(nil) + "&version=2", nil, 400, `&#34;version&#34; was sent more than once`},
		{"a write from another site (Origin)", "POST", leadPath(l), form(map[string]string{"score": "1"}), map[string]string{"Origin": "https://evil.example"}, 403, "came from another site"},
		{"a write from another site (Sec-Fetch-Site)", "POST", leadPath(l) + "/delete", "version=1", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "came from another site"},
		{"a lead id that is not a number", "POST", "/leads/abc", form(nil), nil, 404, "Lead not found"},
		{"a negative lead id", "POST", "/leads/-1", form(nil), nil, 404, "Lead not found"},
		{"a lead id past int64", "POST", "/leads/99999999999999999999", form(nil), nil, 404, "Lead not found"},
		{"a deal amount 1e3", "POST", fmt.Sprintf("/deals/%d", d.ID()), dealBody(map[string]string{"amount": "1e3"}), nil, 422, "amount"},
		{"a negative deal amount", "POST", fmt.Sprintf("/deals/%d", d.ID()), dealBody(map[string]string{"amount": "-5"}), nil, 422, "amount"},
		{"an unknown currency", "POST", fmt.Sprintf("/deals/%d", d.ID()), dealBody(map[string]string{"currency": "XXX"}), nil, 422, "currency"},
		{"markup as a currency", "POST", fmt.Sprintf("/deals/%d", d.ID()), dealBody(map[string]string{"currency": scriptTag}), nil, 422, "currency"},
		{"an unknown deal stage", "POST", fmt.Sprintf("/deals/%d/stage", d.ID()), "version=1&stage=CONVERTED", nil, 422, "stage"},
		{"a conversion linking a contact id that is text", "POST", leadPath(l) + "/convert", "version=1&contact_id=1%20OR%201%3D1&name=x&email=&phone=&company=&notes=&title=x&amount=1&currency=EUR", nil, 400, "contact to link is not valid"},
		{"a contact without a name", "POST", fmt.Sprintf("/contacts/%d", c.ID()), "version=1&name=%20%20&email=a%40b.co&phone=&company=&notes=&owner=", nil, 422, "Name is required."},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := a.dbState()
			res := a.rawRequest(tt.method, tt.path, tt.body, tt.headers)
			assert.Equal(t, tt.status, res.status, res.body)
			assert.Contains(t, strings.ToLower(res.body), strings.ToLower(tt.says))
			assert.Equal(t, before, a.dbState(), "a refused request changes nothing")
			assert.NotContains(t, res.body, "pgx", "no database detail reaches the response")
			assert.NotContains(t, res.body, "goroutine", "no stack trace reaches the response")
		})
	}

	t.Run("without a session", func(t *testing.T) {
		before := a.dbState()
		res := a.anonymous(http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "5"}))
		assert.Equal(t, http.StatusSeeOther, res.status)
		assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/login?"), "to sign in, the form kept for after")
		res = a.anonymous(http.MethodGet, leadPath(l), nil)
		assert.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, before, a.dbState())
	})

	t.Run("paths that escape the static directory", func(t *testing.T) {
		for _, path := range []string{"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/..%2fgo.mod", "/static/vendor/../../../../etc/passwd"} {
			res := a.get(path)
			assert.NotEqual(t, http.StatusOK, res.status, path)
			assert.NotContains(t, res.body, "module crm", path)
			assert.NotContains(t, res.body, "root:", path)
		}
	})

	t.Run("search text that is too long or not text", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?q="+strings.Repeat("a", 201)).status)
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?q=%ff%fe").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?after=abc").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?status="+url.QueryEscape(scriptTag)).status)
	})

	// Accepted: stored exactly as typed, shown as text and never as markup.
	t.Run("markup and SQL are stored literally and rendered inert", func(t *testing.T) {
		res := a.rawRequest("POST", leadPath(l), form(map[string]string{
			"name": scriptTag, "company": sqlBreaker, "notes": imgOnerror + "\n" + scriptTag,
			"source": `"><svg onload=alert(1)>`, "score": "80",
		}), nil)
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		saved := a.lead(l.ID())
		assert.Equal(t, scriptTag, saved.Fields().Name)
		assert.Equal(t, sqlBreaker, saved.Fields().Company)
		assert.Equal(t, imgOnerror+"\n"+scriptTag, saved.Fields().Notes)
		assert.Equal(t, 1, countLeads(t, a), "the table is still there, with its one lead")

		for _, path := range []string{leadPath(l), "/leads", "/leads?q=" + url.QueryEscape("<script>")} {
			page := a.get(path)
			require.Equal(t, http.StatusOK, page.status, path)
			assert.NotContains(t, page.body, "<script>window", path)
			assert.NotContains(t, page.body, "<img src=x", path)
			assert.NotContains(t, page.body, "<svg", path)
			assert.Contains(t, page.body, "&lt;script&gt;window.pwned=1&lt;/script&gt;", path)
		}
		search := a.get("/leads?q=" + url.QueryEscape(sqlBreaker))
		assert.Contains(t, search.body, `data-testid="lead-row"`, "SQL in a search is a literal string that finds the lead")
	})
	t.Run("LIKE wildcards in a search match literally", func(t *testing.T) {
		a.seedLead(lead.Fields{Name: "Percent 100% sure", Score: 1})
		a.seedLead(lead.Fields{Name: "Underscore a_b", Score: 1})
		assert.Equal(t, 1, strings.Count(a.get("/leads?q="+url.QueryEscape("100%")).body, `data-testid="lead-row"`))
		assert.Equal(t, 1, strings.Count(a.get("/leads?q="+url.QueryEscape("a_b")).body, `data-testid="lead-row"`))
		a.seedLead(lead.Fields{Name: "%Rank Ltd", Score: 1})
		// One or two characters match the start of a name: a lone % finds
		// the one name that starts with it, not every lead.
		assert.Equal(t, 1, strings.Count(a.get("/leads?q="+url.QueryEscape("%")).body, `data-testid="lead-row"`),
			"a lone % finds only the name starting with a %")
	})
	t.Run("markup in a contact and a deal is shown as text", func(t *testing.T) {
		hostile := a.seedContact(contact.Fields{Name: imgOnerror, Company: scriptTag})
		page := a.get(contactPath(hostile))
		require.Equal(t, http.StatusOK, page.status)
		assert.NotContains(t, page.body, "<img src=x")
		assert.NotContains(t, page.body, "<script>window")
		hd, err := a.deals.Create(context.Background(), "seed", hostile.ID(), deal.Fields{Title: scriptTag, Amount: engines.Amount})
		require.NoError(t, err)
		for _, path := range []string{dealPath(hd), "/deals", contactPath(hostile)} {
			body := a.get(path).body
			assert.NotContains(t, body, "<script>window", path)
			assert.NotContains(t, body, "<img src=x", path)
		}
	})
}

func countLeads(t *testing.T, a *instance) int {
	t.Helper()
	var n int
	require.NoError(t, a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM leads`).Scan(&n))
	return n
}
