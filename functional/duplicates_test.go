package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/lead"
)

// TestDuplicateHint: the lookup behind the create forms' hint names the
// live record with the typed email, however typed, softly the others with
// the same name and company, and nothing for a deleted one; creating the
// record works whatever it says.
func TestDuplicateHint(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines"})
	namesake := a.seedLead(lead.Fields{Name: "Ada Lovelace", Email: "countess@example.com", Company: "Analytical Engines"})
	gone := a.seedLead(lead.Fields{Name: "Gone Away", Email: "gone@example.com"})
	_, err := a.leads.Delete(context.Background(), "seed", gone.ID(), gone.Version())
	require.NoError(t, err)
	grace := a.seedContact(grace)
	lookUp := func(kind string, q url.Values) response {
		t.Helper()
		res := a.getHTMX("/" + kind + "s/duplicates?" + q.Encode())
		require.Equal(t, http.StatusOK, res.status, res.body)
		return res
	}

	res := lookUp("lead", url.Values{"email": {" ADA@Example.com "}, "name": {"Ada Lovelace"}, "company": {"analytical engines"}})
	assert.Regexp(t, fmt.Sprintf(`(?s)data-testid="duplicate-email">\s*A lead with this email already exists: <a href="%s">Ada Lovelace</a>, Analytical Engines\.`,
		leadPath(ada)), res.body)
	assert.Regexp(t, fmt.Sprintf(`(?s)data-testid="duplicate-name">\s*Possibly the same as <a href="%s">Ada Lovelace</a>, Analytical Engines \(same name and company\)\.`,
		leadPath(namesake)), res.body, "the namesake softly, Ada herself once")

	assert.Empty(t, lookUp("lead", url.Values{"email": {"gone@example.com"}}).body, "a deleted lead is in the Trash, not a duplicate")
	assert.Empty(t, lookUp("lead", url.Values{"email": {"ada@example"}}).body, "half an address matches nothing")
	assert.Empty(t, lookUp("lead", url.Values{"name": {"Ada Lovelace"}}).body, "a name alone is no hint")
	assert.Empty(t, lookUp("lead", url.Values{}).body)

	res = lookUp("contact", url.Values{"email": {"Grace@Navy.mil"}})
	assert.Contains(t, res.body, fmt.Sprintf(`A contact with this email already exists: <a href="%s">Grace Hopper</a>, US Navy.`, contactPath(grace)))
	assert.Empty(t, lookUp("contact", url.Values{"email": {"ada@example.com"}}).body, "contacts are looked up among contacts")

	t.Run("bad input is refused, and deals have no lookup", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.getHTMX("/leads/duplicates?email=ada%00@example.com").status)
		assert.Equal(t, http.StatusNotFound, a.getHTMX("/deals/duplicates?email=x").status)
	})
	t.Run("a hint never blocks: the duplicate lead is created", func(t *testing.T) {
		res := a.post("/leads", url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "company": {"Analytical Engines"}, "score": {"0"}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
	})
	t.Run("the create forms look up as the rep types, the edit forms do not", func(t *testing.T) {
		for _, kind := range []string{lead.Kind, contact.Kind} {
			page := a.get("/" + kind + "s/new")
			assert.Regexp(t, `id="`+kind+`-email"[^>]*hx-get="/`+kind+`s/duplicates"`, page.body, kind)
			assert.Contains(t, page.body, `<div id="`+kind+`-duplicates" class="duplicates" aria-live="polite" data-testid="duplicates"></div>`, kind)
		}
		assert.NotContains(t, a.get(leadPath(ada)).body, "duplicates")
	})
}

// TestBrowserDuplicateHintWhileTyping: typing the email of an existing
// lead into the new-lead form shows, without saving, who already has it,
// in a polite live region under the field; the lead can still be created.
func TestBrowserDuplicateHintWhileTyping(t *testing.T) {
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines"})
	a.seedLead(lead.Fields{Name: "Ada Byron", Email: "byron@example.com", Company: "Engines"})
	maria := a.newRep(newBrowser(t), "maria")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads/new"),
		chromedp.WaitVisible(chromedp.CSS(`#lead-email`)),
		chromedp.SendKeys(chromedp.CSS(`#lead-name`), "Ada Byron"),
		chromedp.SendKeys(chromedp.CSS(`#lead-company`), "engines"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="duplicate-name"]`)),
		chromedp.SendKeys(chromedp.CSS(`#lead-email`), "ADA@example.com"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="duplicate-email"]`)),
	))
	hint, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`#lead-duplicates`)))
	require.NoError(t, err)
	assert.Contains(t, hint, "A lead with this email already exists: Ada Lovelace, Analytical Engines.")
	assert.Contains(t, hint, "Possibly the same as Ada Byron, Engines (same name and company).",
		"each input sends the other two: the name and company typed first still count")
	link, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('#lead-duplicates a').getAttribute('href')`))
	require.NoError(t, err)
	assert.Equal(t, leadPath(ada), link)
	live, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('#lead-email').parentElement.querySelector('[aria-live]').getAttribute('aria-live')`))
	require.NoError(t, err)
	assert.Equal(t, "polite", live, "read out without interrupting, under the field")

	require.NoError(t, chromedp.Do(maria,
		chromedp.SendKeys(chromedp.CSS(`#lead-email`), "m"),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="duplicate-email"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="create"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-name"]`)),
	), "the hint goes once the address differs, and creating works")
	name, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`[data-testid="lead-name"]`)))
	require.NoError(t, err)
	assert.Equal(t, "Ada Byron", name)
}
