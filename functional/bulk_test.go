package functional

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// checked is what a lead's checkbox in the list posts: its id and the
// version the list showed.
func checked(l *lead.Lead) string { return fmt.Sprintf("%d:%d", l.ID(), l.Version()) }

// outcomes reads a bulk report's leads: id → result.
func outcomes(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`data-testid="bulk-outcome" data-id="(\d+)" data-result="(\w+)"`).FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// outcomeText is what a bulk report says of lead l, tags left out.
func outcomeText(t *testing.T, body string, l *lead.Lead) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)data-id="` + fmt.Sprint(l.ID()) + `" data-result="\w+">(.*?)</li>`).FindStringSubmatch(body)
	require.NotNil(t, m, "no outcome for lead %d", l.ID())
	return html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")), " "))
}

func TestTheLeadListHasACheckboxPerRowAndTheBulkForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)

	page := a.get("/leads?status=NEW&source=Referral")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, fmt.Sprintf(`<input type="checkbox" name="lead" form="bulk-form" value="%d:1" aria-label="Select Ada Lovelace"`, l.ID()))
	assert.Contains(t, page.body, `<form id="bulk-form" class="bulk" method="post" action="/leads/bulk"`)
	assert.Contains(t, page.body, `<input type="hidden" name="view" value="source=Referral&amp;status=NEW">`, "the form carries the view")
	assert.Contains(t, page.body, `data-testid="select-page"`, "a select-all in the header")
	assert.NotContains(t, page.body, `data-testid="bulk-all"`, "one page: nothing more to select")
	search := page.body[strings.Index(page.body, `<form id="list-search"`):]
	search = search[:strings.Index(search, "</form>")]
	assert.NotContains(t, search, `name="lead"`, "no checkbox in the search form, whose inputs reload the list")
	assert.NotContains(t, search, `bulk-form`)
}

func TestBulkChangeOfTheLeadsTickedInTheList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ls := make([]*lead.Lead, 5)
	for i := range ls {
		f := ada
		f.Name = fmt.Sprintf("Lead %d", i+1)
		ls[i] = a.seedLead(f)
	}
	ctx := context.Background()
	// Ann's page shows the five at version 1. Meanwhile maria edits two
	// of them, deletes one, and the fourth is QUALIFIED.
	f := ls[0].Fields()
	f.Phone = "+1 555 0100"
	_, err := a.leads.Save(ctx, "maria", ls[0].ID(), 1, f)
	require.NoError(t, err)
	_, err = a.leads.Move(ctx, "maria", ls[1].ID(), 1, lead.StatusContacted)
	require.NoError(t, err)
	_, err = a.leads.Delete(ctx, "maria", ls[2].ID(), 1)
	require.NoError(t, err)
	form := url.Values{"view": {"status=NEW"}, "status": {"LOST"}, "source": {""}}
	for _, l := range ls {
		form.Add("lead", checked(l))
	}

	res := a.post("/leads/bulk", form)

	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, map[string]string{
		fmt.Sprint(ls[0].ID()): "merged", fmt.Sprint(ls[1].ID()): "conflict", fmt.Sprint(ls[2].ID()): "gone",
		fmt.Sprint(ls[3].ID()): "changed", fmt.Sprint(ls[4].ID()): "changed",
	}, outcomes(t, res.body))
	assert.Contains(t, res.body, "Status changed to Lost: 5 leads")
	assert.Contains(t, res.body, "1 in conflict, 1 gone, 1 merged, 2 changed.")
	assert.Equal(t, "Lead 1: changed on top of maria's newer save, keeping their change to Phone (version 3).", outcomeText(t, res.body, ls[0]))
	assert.Equal(t, "Lead 2: maria moved it to Contacted since you saw version 1 (now version 2): nothing written. Open it to decide.",
		outcomeText(t, res.body, ls[1]))
	assert.Contains(t, res.body, fmt.Sprintf(`<a href="/leads/%d">Lead 2</a>`, ls[1].ID()), "a link to the conflict")
	assert.Contains(t, outcomeText(t, res.body, ls[2]), "Lead 3: deleted by maria on ")
	assert.Equal(t, lead.StatusLost, a.lead(ls[0].ID()).Status())
	assert.Equal(t, "+1 555 0100", a.lead(ls[0].ID()).Fields().Phone, "maria's save kept")
	assert.Equal(t, lead.StatusContacted, a.lead(ls[1].ID()).Status(), "nothing written over maria's move")
	assert.Equal(t, `<input type="hidden" name="view" value="status=NEW">`,
		regexp.MustCompile(`<input type="hidden" name="view"[^>]*>`).FindString(res.body), "the list reloaded in the same view")
	assert.Zero(t, strings.Count(res.body, `data-testid="lead-row"`), "the leads moved out of the view of NEW leads")

	again := a.post("/leads/bulk", form)
	require.Equal(t, http.StatusOK, again.status)
	assert.Contains(t, again.body, "1 in conflict, 1 gone, 3 unchanged.", "sent twice, written once")
}

func TestBulkChangeOverHTMXAnswersTheResultsWithTheReport(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	qualified := a.seedLead(ada)
	for v, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		_, err := a.leads.Move(context.Background(), "seed", qualified.ID(), int64(v+1), to)
		require.NoError(t, err)
	}
	qualified = a.lead(qualified.ID())
	other := a.seedLead(lead.Fields{Name: "Grace Hopper", Source: "Web"})

	res := a.postHTMX("/leads/bulk", url.Values{"view": {""}, "lead": {checked(qualified), checked(other)}, "status": {"CONVERTED"}})

	require.Equal(t, http.StatusOK, res.status)
	assert.True(t, strings.HasPrefix(res.body, `<div id="lead-results"`), "the results, to swap")
	assert.Contains(t, res.body, "A lead is converted from its Convert page, which creates the contact and the deal in the same step. Nothing written.")
	assert.Contains(t, res.body, "Cannot move from NEW to CONVERTED. Nothing written.")
	assert.Equal(t, 2, strings.Count(res.body, `data-testid="lead-row"`), "the list, reloaded")
	assert.Equal(t, lead.StatusQualified, a.lead(qualified.ID()).Status())

	res = a.postHTMX("/leads/bulk", url.Values{"view": {""}, "lead": {checked(other)}, "source": {" Trade fair "}})
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, "Source set to “Trade fair”: 1 lead")
	assert.Equal(t, "Trade fair", a.lead(other.ID()).Fields().Source)
}

func TestBulkChangeOfAllLeadsMatchingAView(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 130 {
		f := ada
		f.Name = fmt.Sprintf("Lead %03d", i)
		f.Source = "Web"
		if i%2 == 0 {
			f.Source = "Fair"
		}
		a.seedLead(f)
	}
	page := a.get("/leads?source=Web")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `data-testid="bulk-all"`, "the view has more than the page")
	first := regexp.MustCompile(`name="lead" form="bulk-form" value="([^"]+)"`).FindStringSubmatch(page.body)[1]

	res := a.post("/leads/bulk", url.Values{"view": {"source=Web"}, "all": {"view"}, "lead": {first}, "status": {"CONTACTED"}})

	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, "Status changed to Contacted: 65 leads")
	assert.Contains(t, res.body, "65 changed.")
	counts, err := a.leads.CountByStatus(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 65, counts[lead.StatusContacted])
	assert.Equal(t, 65, counts[lead.StatusNew], "the other source's leads left alone")
}

func TestBulkChangeRefusedWholeChangesNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no change", url.Values{"view": {""}, "lead": {checked(l)}}, "Choose a change: a status to move to or a source to set."},
		{"two changes", url.Values{"view": {""}, "lead": {checked(l)}, "status": {"LOST"}, "source": {"Fair"}}, "Choose one change: a status or a source, not both."},
		{"no lead", url.Values{"view": {""}, "status": {"LOST"}}, "Pick at least one lead."},
		{"an unknown status", url.Values{"view": {""}, "lead": {checked(l)}, "status": {"WON"}}, `&#34;WON&#34; is not a status`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := a.postHTMX("/leads/bulk", tc.form)
			assert.Equal(t, http.StatusUnprocessableEntity, res.status)
			assert.Contains(t, res.body, tc.want)
			assert.True(t, strings.HasPrefix(res.body, `<p class="notice error">`), "for the form's own message area")

			res = a.post("/leads/bulk", tc.form)
			assert.Equal(t, http.StatusUnprocessableEntity, res.status)
			assert.Contains(t, res.body, tc.want)
			if len(tc.form["lead"]) > 0 {
				assert.Contains(t, res.body, `value="`+checked(l)+`" checked`, "the page comes back with the lead ticked")
			}
		})
	}
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"a lead that is not id:version", url.Values{"view": {""}, "lead": {"12"}, "status": {"LOST"}}},
		{"a view that does not parse", url.Values{"view": {"score_min=lots"}, "lead": {checked(l)}, "status": {"LOST"}}},
		{"a field twice", url.Values{"view": {""}, "lead": {checked(l)}, "status": {"LOST", "NEW"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, http.StatusBadRequest, a.post("/leads/bulk", tc.form).status)
		})
	}
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/leads/bulk",
		strings.NewReader(url.Values{"view": {""}, "lead": {checked(l)}, "status": {"LOST"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(a.session)
	assert.Equal(t, http.StatusForbidden, a.send(req).status, "a bulk change from another site")
	assert.Equal(t, int64(1), a.lead(l.ID()).Version(), "nothing written")
}
