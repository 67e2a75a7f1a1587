package savedview_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/savedview"
)

// FuzzFieldsValidate checks that whatever a form or a script sends, an
// accepted view can be stored as is (the database rejects NUL and broken
// UTF-8, and has the same length CHECKs) and a refused one names only
// fields the form can show a message next to.
func FuzzFieldsValidate(f *testing.F) {
	f.Add("My hot leads", "score_min=80&sort=score", true)
	f.Add("  Hot  ", " status=NEW ", false)
	f.Add("", "", false)
	f.Add(strings.Repeat("é", savedview.MaxNameLen+1), "q="+strings.Repeat("a", savedview.MaxQueryLen), true)
	f.Add("Hot\u2028leads", "q=a\u202eb", false)
	f.Add("nul\x00", "bad \xff byte", true)
	f.Fuzz(func(t *testing.T, name, query string, shared bool) {
		raw := savedview.Fields{Name: name, Query: query, Shared: shared}
		norm := raw.Normalize()
		require.Equal(t, norm, norm.Normalize(), "Normalize must be idempotent")

		err := norm.Validate()
		if err != nil {
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			require.NotEmpty(t, v.Fields)
			for _, fe := range v.Fields {
				require.Truef(t, slices.Contains(savedview.EditableFields, fe.Field), "field %q is not in the form", fe.Field)
				assert.NotEmpty(t, fe.Message)
			}
		} else {
			for _, tx := range []struct {
				name, value string
				limit       int
			}{{savedview.FieldName, norm.Name, savedview.MaxNameLen}, {savedview.FieldQuery, norm.Query, savedview.MaxQueryLen}} {
				require.Truef(t, utf8.ValidString(tx.value), "accepted %s %q is not valid UTF-8", tx.name, tx.value)
				require.LessOrEqualf(t, utf8.RuneCountInString(tx.value), tx.limit, "accepted %s is over its limit", tx.name)
				require.Falsef(t, strings.ContainsFunc(tx.value, breaksLine), "accepted %s %q is not a single line", tx.name, tx.value)
			}
			require.True(t, domain.Visible(norm.Name), "an accepted view has a name one can see")
		}

		// New is the door the use cases use: it must agree with Validate.
		v, newErr := savedview.New(raw, savedview.Owner{ID: 1, Name: "ada"})
		if err != nil {
			assert.Equal(t, err, newErr)
			return
		}
		require.NoError(t, newErr)
		assert.Equal(t, norm, v.Fields())
	})
}

// breaksLine is what domain.CheckLine refuses in a one-line field.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r)
}
