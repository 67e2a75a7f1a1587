package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
)

// qualifiedLead stores Grace's lead with score and moves it to QUALIFIED
// through the use cases, at version 3.
func (a *instance) qualifiedLead(score int) *lead.Lead {
	a.t.Helper()
	l := a.seedLead(lead.Fields{Name: "Grace Hopper", Email: "grace@navy.mil", Company: "US Navy", Phone: "+1 555 0100", Score: score,
		Notes: "Met at the expo.\nWants a pilot in May."})
	for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		var err error
		l, err = a.leads.MoveAt(context.Background(), "seed", l, to)
		require.NoError(a.t, err)
	}
	require.Equal(a.t, int64(3), l.Version())
	return l
}

// rowCounts counts the contacts and deals, which a refused conversion must
// leave as they were.
func (a *instance) rowCounts() [2]int {
	a.t.Helper()
	var c [2]int
	require.NoError(a.t, a.db.Pool.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM deals)`).Scan(&c[0], &c[1]))
	return c
}

func convertPath(l *lead.Lead) string { return leadPath(l) + "/convert" }

// convertForm is the conversion form as the page posts it, with changes.
func convertForm(version int64, changes map[string]string) url.Values {
	v := url.Values{
		"version": {strconv.FormatInt(version, 10)},
		"name":    {"Grace Hopper"}, "email": {"grace@navy.mil"}, "phone": {"+1 555 0100"}, "company": {"US Navy"},
		"notes": {"Met at the expo."},
		"title": {"US Navy"}, "amount": {"12,500.00"}, "currency": {"USD"},
	}
	for k, val := range changes {
		if val == "" {
			v.Del(k)
			continue
		}
		v.Set(k, val)
	}
	return v
}

var dealRedirect = regexp.MustCompile(`^/deals/(\d+)\?notice=converted$`)

func redirectedDeal(t *testing.T, location string) int64 {
	t.Helper()
	m := dealRedirect.FindStringSubmatch(location)
	require.NotNil(t, m, "redirects to the new deal, got %q", location)
	id, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	return id
}

func TestConvertPageIsPrefilledFromTheLead(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)

	res := a.get(convertPath(l))

	require.Equal(t, http.StatusOK, res.status)
	for _, want := range []string{
		`id="convert-contact-name" type="text" name="name" value="Grace Hopper"`,
		`id="convert-contact-email" type="email" name="email" value="grace@navy.mil"`,
		`id="convert-deal-title" type="text" name="title" value="US Navy"`,
		// The new contact's notes start as the lead's; the deal has no notes input.
		">\nMet at the expo.\nWants a pilot in May.</textarea>",
		`<input type="hidden" name="version" value="3">`,
		`data-testid="convert"`,
	} {
		assert.Contains(t, res.body, want)
	}
	assert.NotContains(t, res.body, `data-testid="link-existing"`, "no contact has this email")

	lp := a.get(leadPath(l))
	assert.Contains(t, lp.body, `href="`+convertPath(l)+`"`, "the lead page links to the conversion")
}

func TestConvertCreatesContactAndDealAndConvertsTheLead(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)

	res := a.post(convertPath(l), convertForm(3, nil))

	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	d := a.deal(redirectedDeal(t, res.header.Get("Location")))
	assert.Equal(t, deal.Fields{Title: "US Navy", Amount: deal.Money{Minor: 1_250_000, Currency: "USD"}}, d.Fields())
	assert.Equal(t, l.ID(), d.LeadID())
	c := a.contact(d.ContactID())
	assert.Equal(t, contact.Fields{Name: "Grace Hopper", Email: "grace@navy.mil", Phone: "+1 555 0100", Company: "US Navy",
		Notes: "Met at the expo."}, c.Fields(), "the notes sent are the contact's; the deal starts without")
	converted := a.lead(l.ID())
	assert.Equal(t, lead.StatusConverted, converted.Status())
	assert.Equal(t, int64(4), converted.Version())

	page := a.get(res.header.Get("Location"))
	assert.Contains(t, page.body, "Lead converted: this deal, its contact and the converted lead were saved together.")

	lp := a.get(leadPath(l))
	assert.Contains(t, lp.body, `data-event="LeadConverted"`)
	assert.Contains(t, lp.body, fmt.Sprintf(`href="/contacts/%d"`, c.ID()), "the history links the contact")
	assert.Contains(t, lp.body, fmt.Sprintf(`href="/deals/%d"`, d.ID()), "and the deal")
	assert.NotContains(t, lp.body, `data-testid="move-`, "a converted lead has no moves")

	again := a.post(convertPath(l), convertForm(4, nil))
	assert.Equal(t, http.StatusUnprocessableEntity, again.status)
	assert.Equal(t, [2]int{1, 1}, a.rowCounts(), "converting twice creates nothing")
	assert.Contains(t, a.get(convertPath(l)).body, "This lead cannot be converted: The lead is already CONVERTED.")
}

func TestConvertLinksTheContactWithTheSameEmail(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	existing := a.seedContact(contact.Fields{Name: "Rear Admiral Hopper", Email: "GRACE@navy.mil"})
	l := a.qualifiedLead(90)

	page := a.get(convertPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Regexp(t, fmt.Sprintf(`name="contact_id" value="%d" checked data-testid="link-existing"`, existing.ID()), page.body,
		"linking is the default")
	assert.Contains(t, page.body, "Rear Admiral Hopper")

	res := a.post(convertPath(l), convertForm(3, map[string]string{"contact_id": strconv.FormatInt(existing.ID(), 10)}))

	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	d := a.deal(redirectedDeal(t, res.header.Get("Location")))
	assert.Equal(t, existing.ID(), d.ContactID())
	assert.Equal(t, [2]int{1, 1}, a.rowCounts(), "no second contact")
	assert.Equal(t, existing.Snapshot(), a.contact(existing.ID()).Snapshot(), "the linked contact is untouched")

	t.Run("choosing to create a new contact creates one, under another email", func(t *testing.T) {
		l := a.qualifiedLead(90)
		res := a.post(convertPath(l), convertForm(3, map[string]string{"contact_id": "0", "email": "rear.admiral@navy.mil"}))
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		d := a.deal(redirectedDeal(t, res.header.Get("Location")))
		assert.NotEqual(t, existing.ID(), d.ContactID())
	})
	t.Run("a new contact under an email a contact has links that one: one contact per email", func(t *testing.T) {
		l := a.qualifiedLead(90)
		res := a.post(convertPath(l), convertForm(3, map[string]string{"contact_id": "0"}))
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		assert.Equal(t, existing.ID(), a.deal(redirectedDeal(t, res.header.Get("Location"))).ContactID())
	})
}

func TestConvertFromAStaleVersionIs409AndKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)
	// Maria raises the score while John has the conversion page open.
	read, err := a.leads.Get(context.Background(), l.ID())
	require.NoError(t, err)
	_, err = a.leads.Update(context.Background(), "maria", read, lead.Fields{
		Name: "Grace Hopper", Email: "grace@navy.mil", Company: "US Navy", Phone: "+1 555 0100", Score: 95})
	require.NoError(t, err)

	res := a.postHTMX(convertPath(l), convertForm(3, map[string]string{"title": "Navy compilers", "amount": "99,000"}))

	require.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "maria changed this lead after you opened it")
	assert.Contains(t, res.body, "Nothing was converted: no contact or deal was created.")
	assert.Regexp(t, `data-testid="theirs-score">95<`, res.body)
	assert.Contains(t, res.body, `<input type="hidden" name="version" value="4">`, "the form moves to the current version")
	assert.Contains(t, res.body, `value="Navy compilers"`, "what the rep typed is kept")
	assert.Contains(t, res.body, `value="99,000"`)
	assert.Equal(t, [2]int{0, 0}, a.rowCounts(), "no orphan contact or deal")
	assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())

	again := a.postHTMX(convertPath(l), convertForm(4, map[string]string{"title": "Navy compilers", "amount": "99,000"}))
	require.Equal(t, http.StatusOK, again.status, again.body)
	d := a.deal(redirectedDeal(t, again.header.Get("HX-Redirect")))
	assert.Equal(t, "Navy compilers", d.Fields().Title)
	assert.Equal(t, lead.StatusConverted, a.lead(l.ID()).Status())
}

func TestConvertRefusalsAnswer422AndCreateNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	t.Run("a score below 80", func(t *testing.T) {
		l := a.qualifiedLead(70)
		page := a.get(convertPath(l))
		require.Equal(t, http.StatusOK, page.status)
		assert.Contains(t, page.body, "This lead cannot be converted: Score 70 is below the 80 needed to convert.")
		assert.NotContains(t, page.body, `data-testid="convert"`, "no form to submit")

		before := a.rowCounts()
		res := a.postHTMX(convertPath(l), convertForm(3, nil))
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, "Score 70 is below the 80 needed to convert.")
		assert.Equal(t, before, a.rowCounts())
		assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())
	})
	t.Run("a NEW lead", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Fresh", Score: 100})
		before := a.rowCounts()
		res := a.post(convertPath(l), convertForm(1, nil))
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, "Cannot move from NEW to CONVERTED.")
		assert.Equal(t, before, a.rowCounts())
	})
	t.Run("invalid contact and deal fields are shown beside each field", func(t *testing.T) {
		l := a.qualifiedLead(85)
		before := a.rowCounts()
		res := a.postHTMX(convertPath(l), convertForm(3, map[string]string{"name": " ", "email": "nope", "title": " ", "amount": "12.3.4"}))
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, `id="convert-contact-name-error"`)
		assert.Contains(t, res.body, `id="convert-contact-email-error"`)
		assert.Contains(t, res.body, `id="convert-deal-title-error"`)
		assert.Contains(t, res.body, `id="convert-deal-amount-error"`)
		assert.Contains(t, res.body, `value="12.3.4"`, "the typed amount is shown again")
		assert.Contains(t, res.body, `<input type="hidden" name="version" value="3">`)
		assert.Equal(t, before, a.rowCounts())
	})
	t.Run("a linked contact that does not exist", func(t *testing.T) {
		l := a.qualifiedLead(85)
		before := a.rowCounts()
		res := a.postHTMX(convertPath(l), convertForm(3, map[string]string{"contact_id": "999999"}))
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, "The contact to link no longer exists")
		assert.Equal(t, before, a.rowCounts())
	})
}

func TestConvertBadRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"no version", convertPath(l), convertForm(3, map[string]string{"version": ""}), http.StatusBadRequest},
		{"a version that is not a number", convertPath(l), convertForm(3, map[string]string{"version": "three"}), http.StatusBadRequest},
		{"a contact id that is not a number", convertPath(l), convertForm(3, map[string]string{"contact_id": "ada"}), http.StatusBadRequest},
		{"a negative contact id", convertPath(l), convertForm(3, map[string]string{"contact_id": "-4"}), http.StatusBadRequest},
		{"a lead that does not exist", "/leads/999999/convert", convertForm(3, nil), http.StatusNotFound},
		{"a lead id that is not a number", "/leads/grace/convert", convertForm(3, nil), http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, a.post(tt.path, tt.form).status)
			assert.Equal(t, [2]int{0, 0}, a.rowCounts())
		})
	}
	assert.Equal(t, http.StatusNotFound, a.get("/leads/999999/convert").status)
	assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())
}
