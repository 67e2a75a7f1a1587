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

	"crm/domain/lead"
)

var ada = lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Phone: "+44 20 7946 0000", Source: "Referral", Score: 70, Notes: "Met at the expo."}

func leadPath(l *lead.Lead) string { return fmt.Sprintf("/leads/%d", l.ID()) }

func TestCreateLead(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	res := a.post("/leads", url.Values{"name": {"Grace Hopper"}, "email": {"grace@navy.mil"}, "score": {"55"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/leads/"), loc)

	page := a.get(loc)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Grace Hopper")
	assert.Contains(t, page.body, "Lead created.")
	assert.Contains(t, page.body, `name="version" value="1"`)

	t.Run("htmx gets HX-Redirect instead of a 303 that fetch would follow", func(t *testing.T) {
		res := a.postHTMX("/leads", url.Values{"name": {"Katherine Johnson"}})
		require.Equal(t, http.StatusOK, res.status)
		assert.Regexp(t, `^/leads/\d+\?notice=created$`, res.header.Get("HX-Redirect"))
	})
}

func TestCreateLeadInvalidIs422AndStoresNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	res := a.post("/leads", url.Values{"name": {"  "}, "email": {"not-an-email"}, "score": {"500"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Name is required.")
	assert.Contains(t, res.body, "Email must look like name@example.com.")
	assert.Contains(t, res.body, "Score must be between 0 and 100; got 500.")
	assert.Contains(t, res.body, `role="alert"`)
	assert.Contains(t, res.body, `value="not-an-email"`, "what the rep typed is shown again")

	page := a.get("/leads")
	assert.Contains(t, page.body, `No leads yet — <a href="/leads/new">create one</a>.`, "nothing was stored")
}

func TestSaveLead(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	res := a.post(leadPath(l), leadForm(l, 1, map[string]string{"score": "85", "phone": "+44 1"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, leadPath(l)+"?notice=saved", res.header.Get("Location"))

	saved := a.lead(l.ID())
	assert.Equal(t, int64(2), saved.Version())
	assert.Equal(t, 85, saved.Fields().Score)
	assert.Equal(t, "+44 1", saved.Fields().Phone)
	assert.Equal(t, "Ann Example", saved.UpdatedBy())
}

func TestSaveLeadOverHTMXReturnsTheEditorAtTheNewVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"notes": "Called back."}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.NotContains(t, res.body, "<html", "htmx gets a fragment")
	assert.Contains(t, res.body, `id="lead-editor"`)
	assert.Contains(t, res.body, "Saved. This lead is now at version 2.")
	// Every form in the fragment must carry the new version, or the rep's
	// next save would conflict with their own.
	assert.NotContains(t, res.body, `name="version" value="1"`)
	assert.Equal(t, 2, strings.Count(res.body, `name="version" value="2"`), "edit form (whose version the status moves submit) and delete")

	t.Run("saving the same values again writes nothing", func(t *testing.T) {
		res := a.postHTMX(leadPath(l), leadForm(a.lead(l.ID()), 2, nil))
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "Nothing to save")
		assert.Equal(t, int64(2), a.lead(l.ID()).Version())
	})
}

func TestStaleSaveIs409WithFreshValuesAndTypedValuesKept(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	first := a.doWith(a.signIn("maria"), http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "90"}), false)
	require.Equal(t, http.StatusSeeOther, first.status, first.body)

	second := a.post(leadPath(l), leadForm(l, 1, map[string]string{"score": "75"}))
	require.Equal(t, http.StatusConflict, second.status, second.body)
	assert.Contains(t, second.body, `data-testid="conflict-banner"`)
	assert.Contains(t, second.body, `role="alert"`)
	assert.Contains(t, second.body, "changed this lead after you opened it")
	assert.Contains(t, second.body, "You started from version 1; maria saved version 2")
	assert.Regexp(t, `data-testid="theirs-score">90<`, second.body, "the fresh value")
	assert.Regexp(t, `data-testid="yours-score">75<`, second.body, "what the rep typed")
	assert.Contains(t, second.body, `name="version" value="2"`, "the form moves to the current version")
	assert.Contains(t, second.body, `name="score" value="75"`, "the rep's value stays in the input")

	saved := a.lead(l.ID())
	assert.Equal(t, 90, saved.Fields().Score, "the first save is kept")
	assert.Equal(t, int64(2), saved.Version())
}

func TestStaleSaveOfOtherFieldsMergesAndSaysWhat(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	maria := a.signIn("maria")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0100"}), false)
	require.Equal(t, http.StatusSeeOther, res.status)

	// Ann, still at version 1, changes the score: no field conflicts.
	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "88"}))

	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Merged with maria&#39;s save (version 2): kept their change to Phone; saved your Score. This is now version 3.")
	assert.Contains(t, res.body, `name="phone" value="+1 555 0100"`, "the form shows the merged lead")
	assert.Contains(t, res.body, `name="version" value="3"`)
	final := a.lead(l.ID())
	assert.Equal(t, "+1 555 0100", final.Fields().Phone, "Maria's change kept")
	assert.Equal(t, 88, final.Fields().Score, "Ann's change saved")
	assert.Equal(t, int64(3), final.Version())
	assert.Equal(t, "Ann Example", final.UpdatedBy())
}

func TestStaleSaveThatBreaksARuleOnTheMergedLeadIs422(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(90)
	res := a.post(convertPath(l), convertForm(3, nil))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	converted := a.lead(l.ID()) // version 4, converted, score 90

	// Maria edits the phone; Ann, from version 4, lowers the score to 60,
	// which a converted lead may not have. The merge must not slip it in.
	f := converted.Fields()
	f.Phone = "+1 555 0199"
	_, err := a.leads.Save(context.Background(), "maria", l.ID(), 4, f)
	require.NoError(t, err)
	res = a.postHTMX(leadPath(l), leadForm(converted, 4, map[string]string{"score": "60"}))

	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "A converted lead keeps a score of at least 80; 60 is too low.")
	final := a.lead(l.ID())
	assert.Equal(t, 90, final.Fields().Score)
	assert.Equal(t, int64(5), final.Version())
}

func TestInvalidSaveIs422WithTheMessageAndChangesNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, value, message string
	}{
		{"empty name", "name", "", "Name is required."},
		{"score 500", "score", "500", "Score must be between 0 and 100; got 500."},
		{"score -1", "score", "-1", "Score must be between 0 and 100; got -1."},
		{"score 80.5", "score", "80.5", "Score must be a whole number from 0 to 100."},
		{"score 1e3", "score", "1e3", "Score must be a whole number from 0 to 100."},
		{"bad email", "email", "ada@", "Email must look like name@example.com."},
		{"notes too long", "notes", strings.Repeat("n", 10_001), "Notes are 10001 characters; the limit is 10000."},
	}
	a := newApp(t)
	l := a.seedLead(ada)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{tc.field: tc.value}))
			require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
			assert.Contains(t, res.body, tc.message)
			assert.Contains(t, res.body, `aria-invalid="true"`)
			assert.Contains(t, res.body, `name="version" value="1"`)
			assert.Equal(t, int64(1), a.lead(l.ID()).Version(), "nothing stored")
		})
	}
}

func TestStatusMoves(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // score 70

	move := func(version int64, to lead.Status) response {
		return a.postHTMX(leadPath(l)+"/status", url.Values{"version": {fmt.Sprint(version)}, "status": {string(to)}})
	}

	res := move(1, lead.StatusQualified)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Cannot move from NEW to QUALIFIED.")

	res = move(1, lead.StatusContacted)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Moved to Contacted.")
	assert.Contains(t, res.body, `data-testid="move-QUALIFIED"`, "buttons for the moves now allowed")
	assert.NotContains(t, res.body, `data-testid="move-CONTACTED"`)

	require.Equal(t, http.StatusOK, move(2, lead.StatusQualified).status)
	res = move(3, lead.StatusConverted)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, "converting needs the conversion page")
	assert.Contains(t, res.body, "A lead is converted from its Convert page")
	assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())

	res = move(2, lead.StatusLost)
	require.Equal(t, http.StatusConflict, res.status, "a stale status move is a conflict")
	assert.Contains(t, res.body, "The lead was not moved to Lost.")
	assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())

	res = a.post(leadPath(l)+"/status", url.Values{"version": {"3"}, "status": {"WON"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "unknown status")
}

func TestDeleteIsVersionChecked(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	require.Equal(t, http.StatusSeeOther, a.post(leadPath(l), leadForm(l, 1, map[string]string{"score": "10"})).status)

	res := a.post(leadPath(l)+"/delete", url.Values{"version": {"1"}})
	require.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "The lead was not deleted.")
	assert.Equal(t, int64(2), a.lead(l.ID()).Version())

	res = a.post(leadPath(l)+"/delete", url.Values{"version": {"2"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	res = a.get(leadPath(l))
	assert.Equal(t, http.StatusOK, res.status, "a deleted lead is kept, in the Trash")
	assert.Contains(t, res.body, `data-testid="deleted-banner"`)
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	for name, version := range map[string][]string{
		"missing version":     nil,
		"non-numeric version": {"abc"},
		"zero version":        {"0"},
		"negative version":    {"-3"},
		"huge version":        {"99999999999999999999"},
	} {
		t.Run(name+" is 400", func(t *testing.T) {
			form := leadForm(l, 1, nil)
			form.Del("version")
			if version != nil {
				form["version"] = version
			}
			res := a.post(leadPath(l), form)
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, int64(1), a.lead(l.ID()).Version())
		})
	}
	t.Run("a duplicated form key is 400", func(t *testing.T) {
		form := leadForm(l, 1, nil)
		form["score"] = []string{"10", "90"}
		assert.Equal(t, http.StatusBadRequest, a.post(leadPath(l), form).status)
	})
	t.Run("unknown leads are 404", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, a.get("/leads/999999").status)
		assert.Equal(t, http.StatusNotFound, a.get("/leads/abc").status)
		assert.Equal(t, http.StatusNotFound, a.post("/leads/999999", leadForm(l, 1, nil)).status)
		assert.Equal(t, http.StatusNotFound, a.get("/nowhere").status)
	})
	t.Run("a body over 1 MiB is 413", func(t *testing.T) {
		res := a.post(leadPath(l), leadForm(l, 1, map[string]string{"notes": strings.Repeat("x", 2<<20)}))
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.status)
		assert.Equal(t, int64(1), a.lead(l.ID()).Version())
	})
	t.Run("a bad list filter is 400", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?status=WON").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/leads?after=x").status)
	})
}

func TestHTMXGetsAFragmentAndAPlainRequestAFullPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	full := a.get(leadPath(l))
	require.Equal(t, http.StatusOK, full.status)
	assert.True(t, strings.HasPrefix(full.body, "<!doctype html>"), full.body[:40])
	assert.Contains(t, full.body, "htmx.min.js")

	frag := a.getHTMX(leadPath(l))
	require.Equal(t, http.StatusOK, frag.status)
	assert.True(t, strings.HasPrefix(frag.body, `<article id="lead-editor"`), frag.body[:40])

	notFound := a.getHTMX("/leads/424242")
	assert.Equal(t, http.StatusNotFound, notFound.status)
	assert.True(t, strings.HasPrefix(notFound.body, `<div class="notice error" role="alert"`), notFound.body)
}

func TestLeadList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 120 {
		f := ada
		f.Name = fmt.Sprintf("Lead %03d", i)
		if i%10 == 0 {
			f.Company = "100% Pure_Co"
		}
		a.seedLead(f)
	}

	page := a.get("/leads")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, 50, strings.Count(page.body, `data-testid="lead-row"`))
	assert.Contains(t, page.body, "Lead 119", "newest first")
	assert.Regexp(t, `data-testid="tab-NEW"[^>]*>New<span class="count">120<`, page.body)
	assert.Contains(t, page.body, `<td data-label="Email"><a href="mailto:ada@example.com">ada@example.com</a></td>`, "one click writes to a lead")

	t.Run("load more returns the next rows and its own load-more link", func(t *testing.T) {
		next := a.getHTMX(linkAfter(t, page.body))
		require.Equal(t, http.StatusOK, next.status)
		assert.Equal(t, 50, strings.Count(next.body, `data-testid="lead-row"`))
		assert.Contains(t, next.body, "Lead 069")
		assert.NotContains(t, next.body, "Lead 070")
		assert.Contains(t, next.body, `id="load-more"`)
	})
	t.Run("search matches % and _ literally", func(t *testing.T) {
		res := a.getHTMX("/leads?q=" + url.QueryEscape("100% Pure_"))
		require.Equal(t, http.StatusOK, res.status)
		assert.Equal(t, 12, strings.Count(res.body, `data-testid="lead-row"`))
		assert.Contains(t, res.body, "12 leads match.")
		assert.NotContains(t, res.body, `class="count"`, "a search's matches are not counted per status")
	})
	t.Run("a search with more than a page of matches says so without counting them", func(t *testing.T) {
		res := a.getHTMX("/leads?q=Lead")
		require.Equal(t, http.StatusOK, res.status)
		assert.Equal(t, 50, strings.Count(res.body, `data-testid="lead-row"`))
		assert.Contains(t, res.body, "More than 50 leads match.")
	})
	t.Run("status tab filters", func(t *testing.T) {
		res := a.getHTMX("/leads?status=CONTACTED")
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "No leads match.")
	})
}

func linkAfter(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `hx-get="/leads?after=`)
	require.GreaterOrEqual(t, i, 0, "no load-more link")
	rest := body[i+len(`hx-get="`):]
	return strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	assert.Equal(t, http.StatusOK, a.get("/healthz").status)
	assert.Equal(t, http.StatusOK, a.get("/readyz").status)

	a.db.Pool.Close()
	assert.Equal(t, http.StatusOK, a.get("/healthz").status, "the process is still up")
	assert.Equal(t, http.StatusServiceUnavailable, a.get("/readyz").status)
	res := a.get("/leads")
	assert.Equal(t, http.StatusServiceUnavailable, res.status, res.body)
	assert.NotContains(t, res.body, "pool", "no internals in the page")
}
