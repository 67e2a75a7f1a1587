package functional

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// TestEmptyListsSayHowToBegin: a list with no record at all says what to
// do, with the link; one whose search or tab finds none says so instead.
func TestEmptyListsSayHowToBegin(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	for path, want := range map[string]string{
		"/leads":    `<p class="empty" data-testid="no-leads-yet">No leads yet — <a href="/leads/new">create one</a>.</p>`,
		"/contacts": `<p class="empty" data-testid="no-contacts-yet">No contacts yet — <a href="/contacts/new">create one</a>, or convert a lead.</p>`,
		"/deals":    `data-testid="no-deals-yet">No deals yet — a deal starts from its contact: open one of the <a href="/contacts">contacts</a>, or convert a lead.</p>`,
	} {
		page := a.get(path)
		require.Equal(t, http.StatusOK, page.status)
		assert.Contains(t, page.body, want, path)
	}
	assert.Contains(t, a.get("/leads?status=LOST").body, "No leads yet", "no lead at all, whatever the tab")

	a.seedLead(ada)
	a.seedContact(grace)
	for path, want := range map[string]string{
		"/leads?q=nobody":    `data-testid="no-leads">No leads match.`,
		"/leads?status=LOST": `data-testid="no-leads">No leads match.`,
		"/contacts?q=nobody": `data-testid="no-contacts">No contacts match.`,
		"/contacts?after=1":  `data-testid="no-contacts">No contacts match.`,
		"/deals?stage=WON":   `data-testid="no-deals">No deals here yet.`,
	} {
		page := a.get(path)
		require.Equal(t, http.StatusOK, page.status, path)
		assert.Contains(t, page.body, want, path)
		assert.NotContains(t, page.body, "yet — ", path)
	}
}

// TestRecordPagesLinkTheEmailAndPhone: a lead's and a contact's page have
// a mailto: link under the email and a tel: link under the phone, to the
// saved ones; the create forms have none.
func TestRecordPagesLinkTheEmailAndPhone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // +44 20 7946 0000
	c := a.seedContact(grace)

	page := a.get(leadPath(l))
	assert.Contains(t, page.body, `<small class="reach" data-testid="write-to">Write to <a href="mailto:ada@example.com">ada@example.com</a></small>`)
	assert.Contains(t, page.body, `<small class="reach" data-testid="call">Call <a href="tel:+442079460000">+44 20 7946 0000</a></small>`)
	page = a.get(contactPath(c))
	assert.Contains(t, page.body, `Write to <a href="mailto:grace@navy.mil">grace@navy.mil</a>`)
	assert.Contains(t, page.body, `Call <a href="tel:+15550100">+1 555 0100</a>`)

	res := a.post(leadPath(l), leadForm(l, 1, map[string]string{"email": "not-an-email", "phone": ""}))
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, `href="mailto:ada@example.com"`, "a refused save links the saved address, not what was typed")

	bare := a.seedLead(lead.Fields{Name: "No Contact Details"})
	assert.NotContains(t, a.get(leadPath(bare)).body, `data-testid="write-to"`, "nothing to link")
	for _, path := range []string{"/leads/new", "/contacts/new"} {
		assert.NotContains(t, a.get(path).body, `class="reach"`, path)
	}
}
