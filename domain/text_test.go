package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/domain/user"
)

// invisibleNames show nothing, whatever their bytes.
var invisibleNames = map[string]string{
	"zero-width space":      "\u200b",
	"braille blank":         "\u2800",
	"hangul filler":         "\u3164",
	"byte order mark":       "\ufeff",
	"soft hyphen":           "\u00ad",
	"a lone combining mark": "\u0301",
	"several of them":       "\u200b\u3164\u200d\u2060",
	"variation selector":    "\ufe0f",
}

func TestVisible(t *testing.T) {
	t.Parallel()
	for name, s := range invisibleNames {
		assert.False(t, domain.Visible(s), name)
	}
	for _, s := range []string{"Ada", "é", "e\u0301", "\u200bAda", "李", "🙂", "-", "1"} {
		assert.True(t, domain.Visible(s), "%q", s)
	}
}

func TestRequiredNamesNeedAVisibleCharacter(t *testing.T) {
	t.Parallel()
	const msg = "must have a character you can see."
	for name, s := range invisibleNames {
		_, err := lead.New(lead.Fields{Name: s}, "ana")
		assert.ErrorContains(t, err, "Name "+msg, "lead, %s", name)
		_, err = contact.New(contact.Fields{Name: s}, "ana")
		assert.ErrorContains(t, err, "Name "+msg, "contact, %s", name)
		err = deal.Fields{Title: s, Amount: deal.Money{Minor: 1, Currency: "EUR"}}.Normalize().Validate()
		assert.ErrorContains(t, err, "Title "+msg, "deal, %s", name)
		_, err = user.New("ada@example.com", s, "correct horse battery")
		assert.ErrorContains(t, err, "Name "+msg, "user, %s", name)
	}
	_, err := lead.New(lead.Fields{Name: ""}, "ana")
	assert.ErrorContains(t, err, "Name is required.", "empty is still required")
}

func TestEmailsWithInvisibleCharactersAreRefused(t *testing.T) {
	t.Parallel()
	for _, email := range []string{"ada\u200b@example.com", "ad\u200da@example.com", "ada@exam\u00adple.com", "\ufeffada@example.com"} {
		_, err := lead.New(lead.Fields{Name: "Ada", Email: email}, "ana")
		assert.ErrorContains(t, err, "Email must not contain invisible characters.", "%q", email)
	}
}

func TestTextIsStoredInNFC(t *testing.T) {
	t.Parallel()
	l, err := lead.New(lead.Fields{Name: " Zoe\u0301 ", Company: "Cafe\u0301", Notes: "Cre\u0300me"}, "ana")
	assert.NoError(t, err)
	assert.Equal(t, lead.Fields{Name: "Zo\u00e9", Company: "Caf\u00e9", Notes: "Cr\u00e8me"}, l.Fields())
	assert.Equal(t, "Zo\u00e9", domain.NFC("Zoe\u0301"))
}
