package contact_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
)

// FuzzFieldsValidate checks that whatever a form, a conversion or a script
// sends, an accepted contact can be stored as is (the database rejects NUL
// and broken UTF-8, and has the same length CHECKs) and a refused one names
// only fields the form can show a message next to.
func FuzzFieldsValidate(f *testing.F) {
	f.Add("Ada Lovelace", "ada@example.com", "+44 20 7946 0958", "Analytical Engines")
	f.Add("  Ada  ", " ada@example.com ", " 555-0100 ", "\tEngines\n")
	f.Add("", "", "", "")
	f.Add(strings.Repeat("é", contact.MaxNameLen+1), "Ada <ada@example.com>", "12", "a\u202eb")
	f.Add("Ada\u2028King", "ada@[127.0.0.1]", "(555) 010-0000 x12", strings.Repeat("c", contact.MaxCompanyLen))
	f.Add("nul\x00", "a@b.c", "+1 555", "bad \xff byte")
	f.Fuzz(func(t *testing.T, name, email, phone, company string) {
		raw := contact.Fields{Name: name, Email: email, Phone: phone, Company: company}
		norm := raw.Normalize()
		require.Equal(t, norm, norm.Normalize(), "Normalize must be idempotent")

		// Validate expects normalized fields, but callers that forget must
		// still get a verdict that holds, not a panic.
		checkContactVerdict(t, raw, raw.Validate())
		err := norm.Validate()
		checkContactVerdict(t, norm, err)

		// New is the door the use cases use: it must agree with Validate
		// on normalized input.
		c, newErr := contact.New(raw, "ada")
		if err != nil {
			require.Error(t, newErr)
			assert.Equal(t, err, newErr)
			return
		}
		require.NoError(t, newErr)
		assert.Equal(t, norm, c.Fields())
	})
}

// checkContactVerdict asserts what Validate's answer err promises about fc.
func checkContactVerdict(t *testing.T, fc contact.Fields, err error) {
	t.Helper()
	if err != nil {
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		require.NotEmpty(t, v.Fields, "a ValidationError must name at least one field")
		last := -1
		for _, fe := range v.Fields {
			i := slices.Index(contact.EditableFields, fe.Field)
			require.NotEqualf(t, -1, i, "field %q is not an editable field, so the form cannot show it", fe.Field)
			require.GreaterOrEqualf(t, i, last, "field %q is out of form order in %v", fe.Field, v.Fields)
			assert.NotEmpty(t, fe.Message)
			last = i
		}
		return
	}
	texts := []struct {
		name, value string
		limit       int
		oneLine     bool
	}{
		{contact.FieldName, fc.Name, contact.MaxNameLen, true},
		{contact.FieldEmail, fc.Email, contact.MaxEmailLen, false},
		{contact.FieldPhone, fc.Phone, contact.MaxPhoneLen, true},
		{contact.FieldCompany, fc.Company, contact.MaxCompanyLen, true},
	}
	for _, tx := range texts {
		require.Truef(t, utf8.ValidString(tx.value), "accepted %s %q is not valid UTF-8", tx.name, tx.value)
		require.NotContainsf(t, tx.value, "\x00", "accepted %s %q holds a NUL byte", tx.name, tx.value)
		require.LessOrEqualf(t, utf8.RuneCountInString(tx.value), tx.limit, "accepted %s is over its limit", tx.name)
		if tx.oneLine {
			require.Falsef(t, strings.ContainsFunc(tx.value, breaksLine), "accepted %s %q is not a single line", tx.name, tx.value)
		}
	}
	require.NotEmpty(t, fc.Name, "an accepted contact has a name")
}

// breaksLine is what domain.CheckLine refuses in a one-line field.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r)
}
