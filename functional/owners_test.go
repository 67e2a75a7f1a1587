package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/domain/lead"
)

func TestOwners_aNewLeadIsItsCreatorsAndTheRecordPageReassignsIt(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ann, maria := a.user("ann"), a.user("maria")

	form := a.get("/leads/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, form.body, fmt.Sprintf(`<option value="%d" selected>Ann Example</option>`, ann.ID), "the create form starts with its creator")
	res := a.post("/leads", url.Values{"name": {"Ada"}, "email": {""}, "company": {""}, "phone": {""}, "source": {""}, "score": {"0"}, "notes": {""}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	var id int64
	_, err := fmt.Sscanf(res.header.Get("Location"), "/leads/%d", &id)
	require.NoError(t, err)
	assert.Equal(t, ann.ID, a.lead(id).Fields().Owner, "a form without the select (no script, a hand-made post) is its creator's too")

	l := a.lead(id)
	res = a.post(leadPath(l), leadForm(l, 1, map[string]string{"owner": domain.OwnerText(maria.ID)}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, maria.ID, a.lead(id).Fields().Owner)

	page := a.get(leadPath(l))
	assert.Contains(t, page.body, fmt.Sprintf(`<option value="%d" selected>maria</option>`, maria.ID))
	assert.Regexp(t, `data-field="owner">\s*Owner: <del>Ann Example</del> → <ins>maria</ins>`, page.body, "the history names the owners")

	before := a.lead(id)
	res = a.post(leadPath(l), leadForm(before, 2, map[string]string{"owner": "424242"}))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "No user has that id: choose the owner from the list of users, or nobody.")
	res = a.post(leadPath(l), leadForm(before, 2, map[string]string{"owner": "maria"}))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Choose the owner from the list of users, or nobody.")
	assert.Equal(t, before, a.lead(id), "refused saves change nothing")
}

func TestOwners_twoRepsGivingTheLeadToDifferentOwnersConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(ada)

	res := maria.post(leadPath(l), leadForm(l, 1, map[string]string{"owner": domain.OwnerText(a.user("maria").ID)}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = john.post(leadPath(l), leadForm(l, 1, map[string]string{"owner": domain.OwnerText(a.user("john").ID)}))

	require.Equal(t, http.StatusConflict, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="conflict-owner"`)
	assert.Regexp(t, `data-testid="theirs-owner">maria<`, res.body, "the banner names owners, not ids")
	assert.Regexp(t, `data-testid="yours-owner">john<`, res.body)
	assert.Equal(t, a.user("maria").ID, a.lead(l.ID()).Fields().Owner)
}

func TestOwners_myLeadsAndUnassignedLists(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.user("maria")
	mine := a.seedLead(lead.Fields{Name: "Ann's", Owner: a.user("ann").ID})
	marias := a.seedLead(lead.Fields{Name: "Maria's", Owner: maria.ID})
	nobodys := a.seedLead(lead.Fields{Name: "Nobody's"})

	for _, tc := range []struct {
		path string
		want []*lead.Lead
	}{
		{"/leads?owner=me", []*lead.Lead{mine}},
		{"/leads?owner=none", []*lead.Lead{nobodys}},
		{fmt.Sprintf("/leads?owner=%d", maria.ID), []*lead.Lead{marias}},
		{"/leads", []*lead.Lead{nobodys, marias, mine}},
	} {
		res := a.get(tc.path)
		require.Equal(t, http.StatusOK, res.status, tc.path)
		assert.Equal(t, leadIDs(tc.want), rowIDs(res.body, "lead-row"), tc.path)
	}
	page := a.get("/leads?owner=me")
	assert.Regexp(t, `aria-current="page"\s+data-testid="owner-tab-me"`, page.body)
	assert.Contains(t, page.body, `data-testid="search-keeps-owner"`, "a search keeps the tab")
	assert.Contains(t, a.get("/leads").body, `href="/leads?owner=none"`)
	assert.Equal(t, []string{"Maria's"}, csvNames(t, a.get(fmt.Sprintf("/leads.csv?owner=%d", maria.ID)).body), "the export reads the same view")
	res := a.get("/leads?owner=maria")
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.body, "The owner must be me, none or a user&#39;s id, such as 7.")

	c := a.seedContact(grace)
	d, err := a.deals.Create(context.Background(), "seed", c.ID(), deal.Fields{Title: "Mine", Amount: engines.Amount, Owner: a.user("ann").ID})
	require.NoError(t, err)
	other, err := a.deals.Create(context.Background(), "seed", c.ID(), deal.Fields{Title: "Maria's", Amount: engines.Amount, Owner: maria.ID})
	require.NoError(t, err)
	assert.Equal(t, []int64{d.ID()}, rowIDs(a.get("/deals?owner=me").body, "deal-row"), "My deals")
	assert.Equal(t, []int64{other.ID(), d.ID()}, rowIDs(a.get("/deals").body, "deal-row"))
	assert.Contains(t, a.get("/deals?stage=PROPOSAL").body, `href="/deals?owner=me&amp;stage=PROPOSAL"`, "the tab keeps the stage")
	assert.Empty(t, rowIDs(a.get("/contacts?owner=me").body, "contact-row"), "the seeded contact is nobody's")
	assert.Equal(t, []int64{c.ID()}, rowIDs(a.get("/contacts?owner=none").body, "contact-row"))
}

func TestOwners_bulkChangeGivesEachLeadByItsOwnCompareAndSwap(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.user("maria")
	first, second := a.seedLead(ada), a.seedLead(lead.Fields{Name: "Grace"})
	stale := checked(first)
	f := first.Fields()
	f.Score = 90
	_, err := a.leads.Save(context.Background(), "john", first.ID(), 1, f)
	require.NoError(t, err)

	res := a.postHTMX("/leads/bulk", url.Values{"view": {""}, "lead": {stale, checked(second)}, "owner": {domain.OwnerText(maria.ID)}})

	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Given to maria: 2 leads")
	assert.Contains(t, res.body, "1 merged")
	assert.Equal(t, maria.ID, a.lead(first.ID()).Fields().Owner)
	assert.Equal(t, 90, a.lead(first.ID()).Fields().Score, "john's save kept")
	assert.Equal(t, maria.ID, a.lead(second.ID()).Fields().Owner)

	res = a.postHTMX("/leads/bulk", url.Values{"view": {"owner=" + domain.OwnerText(maria.ID)}, "all": {"view"}, "owner": {"none"}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Unassigned: 2 leads")
	assert.Zero(t, a.lead(second.ID()).Fields().Owner)

	res = a.post("/leads/bulk", url.Values{"view": {""}, "lead": {checked(a.lead(second.ID()))}, "owner": {"maria"}})
	assert.Equal(t, http.StatusBadRequest, res.status)
}

func TestOwners_APIPatchesTheOwnerWithIfMatch(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token, err := a.createToken("ann@example.com")
	require.NoError(t, err)
	maria := a.user("maria")

	res := a.apiCall(http.MethodPost, "/api/v1/leads", token, `{"name":"Ada"}`, nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	assert.Contains(t, res.body, fmt.Sprintf(`"owner_id":%d`, a.user("ann").ID), "created by the token's user, theirs")
	path := res.header.Get("Location")

	res = a.apiCall(http.MethodPatch, path, token, fmt.Sprintf(`{"owner_id":%d}`, maria.ID), map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, fmt.Sprintf(`"owner_id":%d`, maria.ID))
	res = a.apiCall(http.MethodPatch, path, token, `{"owner_id":null}`, map[string]string{"If-Match": `"1"`})
	assert.Equal(t, http.StatusPreconditionFailed, res.status, "a stale If-Match is refused as for any member")

	res = a.apiCall(http.MethodGet, "/api/v1/leads?owner=none", token, "", nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.body, `"name":"Ada"`)
	res = a.apiCall(http.MethodGet, fmt.Sprintf("/api/v1/leads?owner=%d", maria.ID), token, "", nil)
	assert.Contains(t, res.body, `"name":"Ada"`)

	res = a.apiCall(http.MethodPost, "/api/v1/leads/bulk", token, fmt.Sprintf(`{"view":"owner=%d","change":{"owner_id":null}}`, maria.ID), nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `"change":{"owner_id":null}`)
	assert.Contains(t, res.body, `"changed":1`)
}

// leadIDs are the ids of ls, in order.
func leadIDs(ls []*lead.Lead) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.ID()
	}
	return out
}

// rowIDs are the data-id of a page's rows with data-testid testID, in
// order.
func rowIDs(body, testID string) []int64 {
	var out []int64
	for _, part := range strings.Split(body, `data-testid="`+testID+`" data-id="`)[1:] {
		var id int64
		if _, err := fmt.Sscanf(part, "%d", &id); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// csvNames are the names of an export's leads, in order.
func csvNames(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n")[1:] {
		out = append(out, strings.Split(line, ",")[1])
	}
	return out
}

func TestOwners_theNewOwnerHearsOnAnyPageThatSomeoneElseGaveThemARecord(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	notices := a.openStream("/me/live", maria.session)
	l := a.seedLead(ada)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 5*time.Second, 10*time.Millisecond)

	// Maria giving herself a lead is no news to her: the next notice she
	// hears is Ann's.
	res := maria.post(leadPath(l), leadForm(l, 1, map[string]string{"owner": domain.OwnerText(a.user("maria").ID)}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.post(leadPath(l), leadForm(a.lead(l.ID()), 2, map[string]string{"owner": ""}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	c := a.seedContact(grace)
	res = a.post(contactPath(c), contactForm(c, 1, map[string]string{"owner": domain.OwnerText(a.user("maria").ID)}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	ev := waitEvent(t, notices)
	assert.Equal(t, "notice", ev.name)
	assert.JSONEq(t, fmt.Sprintf(`{"message": "Ann Example assigned you contact Grace Hopper.", "href": "/contacts/%d"}`, c.ID()), ev.data)

	page := maria.get("/leads")
	assert.Contains(t, page.body, `data-live-url="/me/live"`, "every page opens the stream")
	assert.Contains(t, page.body, `id="rep-notices" class="rep-notices" aria-live="polite"`)
}

func TestOwners_aConvertedLeadsContactAndDealAreItsOwners(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)
	f := l.Fields()
	f.Owner = a.user("maria").ID
	l, err := a.leads.Update(context.Background(), "maria", l, f)
	require.NoError(t, err)

	form := a.get(convertPath(l))
	assert.NotContains(t, form.body, `data-testid="owner-select"`, "the conversion asks for no owner")
	res := a.post(convertPath(l), convertForm(l.Version(), nil)) // Ann converts Maria's lead

	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	d := a.deal(redirectedDeal(t, res.header.Get("Location")))
	assert.Equal(t, a.user("maria").ID, d.Fields().Owner)
	c, err := a.contacts.Get(context.Background(), d.ContactID())
	require.NoError(t, err)
	assert.Equal(t, a.user("maria").ID, c.Fields().Owner)
}
