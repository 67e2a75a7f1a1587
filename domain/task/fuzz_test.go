package task_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/task"
)

// FuzzFieldsValidate checks that whatever a form, the API or a script
// sends, an accepted task can be stored as is (the database refuses NUL
// and broken UTF-8 and has the same CHECKs), a refused one names only
// fields the form can show a message next to, in form order, and every
// field's text, which the history records and "Use theirs" puts back,
// reads back as the same value.
func FuzzFieldsValidate(f *testing.F) {
	f.Add("Call Ada back", int64(29_000_000), true, false, int64(2), "high")
	f.Add("  Call  ", int64(-1), false, true, int64(0), "")
	f.Add("", int64(0), false, false, int64(-5), "urgent")
	f.Add(strings.Repeat("é", task.MaxTitleLen+1), int64(1<<40), false, false, int64(1), "low")
	f.Add("line\u2028break", int64(-40_000_000), false, false, int64(7), "normal")
	f.Add("nul\x00 and \xff", int64(5), true, false, int64(1<<62), "Normal")
	f.Fuzz(func(t *testing.T, title string, dueSeconds int64, hasDue, done bool, assignee int64, priority string) {
		raw := task.Fields{Title: title, Done: done, Assignee: task.Assignee{ID: assignee, Name: "maria"}, Priority: task.Priority(priority)}
		if hasDue {
			raw.Due = time.Unix(dueSeconds, 0).In(time.FixedZone("rep", 5*3600+1800))
		}
		norm := raw.Normalize()
		require.Equal(t, norm, norm.Normalize(), "Normalize must be idempotent")

		checkVerdict(t, raw, raw.Validate()) // a caller that forgot to normalize gets a verdict, not a panic
		err := norm.Validate()
		checkVerdict(t, norm, err)

		tk, newErr := task.New(raw, task.Link{}, "maria")
		if err != nil {
			require.Error(t, newErr)
			assert.Equal(t, err, newErr, "New agrees with Validate")
			return
		}
		require.NoError(t, newErr)
		assert.Equal(t, norm, tk.Fields())

		due, err := task.ParseDue(norm.Get(task.FieldDue))
		require.NoError(t, err)
		assert.True(t, norm.Due.Equal(due), "the due time's text reads back: %q", norm.Get(task.FieldDue))
		d, err := task.ParseDone(norm.Get(task.FieldDone))
		require.NoError(t, err)
		assert.Equal(t, norm.Done, d)
		a, err := task.ParseAssignee(norm.Get(task.FieldAssignee))
		require.NoError(t, err)
		assert.Equal(t, norm.Assignee.ID, a.ID)
		p, err := task.ParsePriority(norm.Get(task.FieldPriority))
		require.NoError(t, err)
		assert.Equal(t, norm.Priority, p)
	})
}

// checkVerdict asserts what Validate's answer err promises about fields.
func checkVerdict(t *testing.T, fields task.Fields, err error) {
	t.Helper()
	if err != nil {
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		require.NotEmpty(t, v.Fields, "a ValidationError must name at least one field")
		last := -1
		for _, fe := range v.Fields {
			i := slices.Index(task.EditableFields, fe.Field)
			require.NotEqualf(t, -1, i, "field %q is not an editable field, so the form cannot show it", fe.Field)
			require.GreaterOrEqualf(t, i, last, "field %q is out of form order in %v", fe.Field, v.Fields)
			assert.NotEmpty(t, fe.Message)
			last = i
		}
		return
	}
	require.Truef(t, utf8.ValidString(fields.Title), "accepted title %q is not valid UTF-8", fields.Title)
	require.NotContains(t, fields.Title, "\x00")
	require.LessOrEqual(t, utf8.RuneCountInString(fields.Title), task.MaxTitleLen)
	require.NotEmpty(t, strings.TrimSpace(fields.Title))
	require.Falsef(t, strings.ContainsFunc(fields.Title, breaksLine), "accepted title %q is not a single line", fields.Title)
	require.GreaterOrEqual(t, fields.Assignee.ID, int64(1))
	require.Contains(t, task.Priorities, fields.Priority)
	if !fields.Due.IsZero() {
		require.True(t, fields.Due.Year() >= 1900 && fields.Due.Year() <= 9999, "the database takes the due time: %v", fields.Due)
	}
}

// breaksLine is what domain.CheckLine refuses in a one-line field.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r)
}
