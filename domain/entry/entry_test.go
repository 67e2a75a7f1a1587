package entry_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
)

var (
	maria = user.User{ID: 2, Name: "maria", Role: user.RoleRep}
	john  = user.User{ID: 3, Name: "john", Role: user.RoleRep}
	ann   = user.User{ID: 1, Name: "Ann", Role: user.RoleAdmin}
	lead7 = entry.Ref{Kind: "lead", ID: 7}
	at    = time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
)

func call() entry.Fields {
	return entry.Fields{Type: entry.TypeCall, Body: "Asked for a trial.", Outcome: entry.OutcomeConnected, Duration: 12}
}

// stored is an entry of maria's as a repository returns it.
func stored(f entry.Fields, hidden bool) *entry.Entry {
	return entry.Rehydrate(entry.Snapshot{ID: 9, Version: 2, Fields: f, Record: lead7,
		Author: entry.AuthorOf(maria), OccurredAt: at, Hidden: hidden, UpdatedBy: "maria"})
}

func TestNew(t *testing.T) {
	t.Parallel()
	e, err := entry.New(call(), lead7, entry.AuthorOf(maria), at.In(time.FixedZone("CET", 3600)))
	require.NoError(t, err)
	assert.Zero(t, e.ID())
	assert.Equal(t, lead7, e.RecordRef())
	assert.Equal(t, entry.Author{ID: 2, Name: "maria"}, e.Author())
	assert.Equal(t, at, e.OccurredAt(), "kept in UTC")
	require.Len(t, e.DomainEvents(), 1)
	ev := e.DomainEvents()[0]
	assert.Equal(t, entry.EventCreated, ev.Name)
	assert.Equal(t, map[string]int64{"lead": 7}, ev.Refs, "the event names the record it was logged on")
	assert.Equal(t, []domain.Change{{Field: "type", New: "call"}, {Field: "body", New: "Asked for a trial."},
		{Field: "outcome", New: "connected"}, {Field: "duration", Old: "0", New: "12"}}, ev.Changes)

	_, err = entry.New(call(), entry.Ref{Kind: "view", ID: 1}, entry.AuthorOf(maria), at)
	assertInvalid(t, err, "record")
	_, err = entry.New(call(), lead7, entry.AuthorOf(maria), time.Time{})
	assertInvalid(t, err, "occurred_at")
	_, err = entry.New(call(), lead7, entry.Author{Name: "ghost"}, at)
	require.Error(t, err)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		f     entry.Fields
		field string // "" when valid
	}{
		{"a call", call(), ""},
		{"a call without a word", entry.Fields{Type: entry.TypeCall, Outcome: entry.OutcomeNoAnswer}, ""},
		{"a note", entry.Fields{Type: entry.TypeNote, Body: "Prefers email.\nAfter 3pm."}, ""},
		{"an email", entry.Fields{Type: entry.TypeEmail, Body: "Sent the deck."}, ""},
		{"a meeting held for a day", entry.Fields{Type: entry.TypeMeeting, Outcome: entry.OutcomeHeld, Duration: 1440}, ""},
		{"an empty note", entry.Fields{Type: entry.TypeNote, Body: " \n "}, entry.FieldBody},
		{"an unknown type", entry.Fields{Type: "fax", Body: "x"}, entry.FieldType},
		{"a body over the limit", entry.Fields{Type: entry.TypeNote, Body: strings.Repeat("é", entry.MaxBodyLen+1)}, entry.FieldBody},
		{"a NUL in the body", entry.Fields{Type: entry.TypeNote, Body: "a\x00"}, entry.FieldBody},
		{"a meeting's outcome on a call", entry.Fields{Type: entry.TypeCall, Outcome: entry.OutcomeHeld}, entry.FieldOutcome},
		{"an outcome on a note", entry.Fields{Type: entry.TypeNote, Body: "x", Outcome: entry.OutcomeConnected}, entry.FieldOutcome},
		{"an unknown outcome", entry.Fields{Type: entry.TypeCall, Outcome: "great"}, entry.FieldOutcome},
		{"a negative duration", entry.Fields{Type: entry.TypeCall, Duration: -1}, entry.FieldDuration},
		{"more than a day", entry.Fields{Type: entry.TypeMeeting, Duration: 1441}, entry.FieldDuration},
		{"a duration on an email", entry.Fields{Type: entry.TypeEmail, Duration: 5}, entry.FieldDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.f.Normalize().Validate()
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			assertInvalid(t, err, tt.field)
		})
	}
}

func assertInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	require.Len(t, v.Fields, 1, "%v", v.Fields)
	assert.Equal(t, field, v.Fields[0].Field)
	assert.NotEmpty(t, v.Fields[0].Message)
}

func TestWhoMayChangeAnEntry(t *testing.T) {
	t.Parallel()
	edited := func(e *entry.Entry, by user.User) error {
		f := e.Fields()
		f.Body += "\nThen sent the deck."
		if _, err := e.Edit(f, by.Name); err != nil {
			return err
		}
		return e.Permits(by)
	}
	hidden := func(e *entry.Entry, by user.User, h bool) error {
		if _, err := e.Hide(h, by.Name); err != nil {
			return err
		}
		return e.Permits(by)
	}
	var forbidden *domain.ForbiddenError

	assert.NoError(t, edited(stored(call(), false), maria), "the author edits")
	require.ErrorAs(t, edited(stored(call(), false), john), &forbidden, "another rep may not")
	assert.Contains(t, forbidden.Message, "Only maria")
	assert.ErrorAs(t, edited(stored(call(), false), ann), &forbidden, "nor may an admin put words in a rep's mouth")

	e := stored(call(), false)
	require.NoError(t, e.Delete("john"))
	assert.ErrorAs(t, e.Permits(john), &forbidden, "nor delete it")
	e = stored(call(), false)
	require.NoError(t, e.Delete("maria"))
	assert.NoError(t, e.Permits(maria), "its author deletes it")

	assert.ErrorAs(t, hidden(stored(call(), false), maria, true), &forbidden, "a rep may not hide, even their own")
	assert.NoError(t, hidden(stored(call(), false), ann, true), "an admin hides")
	assert.NoError(t, hidden(stored(call(), true), ann, false), "and unhides")
	assert.ErrorAs(t, hidden(stored(call(), true), john, false), &forbidden, "a rep may not unhide")
	require.ErrorAs(t, edited(stored(call(), true), maria), &forbidden, "a hidden entry takes no edit, its author's included")
	assert.Contains(t, forbidden.Message, "hid")
}

func TestHide(t *testing.T) {
	t.Parallel()
	e := stored(call(), false)
	changed, err := e.Hide(true, "Ann")
	require.NoError(t, err)
	assert.True(t, changed)
	assert.True(t, e.Hidden())
	assert.Equal(t, "Ann", e.UpdatedBy())
	require.Len(t, e.DomainEvents(), 1)
	assert.Equal(t, domain.Event{Name: entry.EventHidden, Actor: "Ann",
		Changes: []domain.Change{{Field: entry.FieldHidden, Old: "no", New: "yes"}}}, e.DomainEvents()[0])

	changed, err = e.Hide(true, "Ann")
	require.NoError(t, err)
	assert.False(t, changed, "hiding a hidden entry changes nothing")

	assert.False(t, e.VisibleTo(maria), "its text is nobody's to read")
	assert.True(t, e.VisibleTo(ann), "but the admin who may unhide it")
	assert.False(t, e.Editable(maria))

	require.NoError(t, e.Delete("maria"))
	_, err = e.Hide(false, "Ann")
	var deleted *domain.DeletedError
	assert.ErrorAs(t, err, &deleted, "a deleted entry takes no hide")
}

func TestTwoEditsOfTheBodyMergeLineByLine(t *testing.T) {
	t.Parallel()
	base := entry.Fields{Type: entry.TypeNote, Body: "Met at the fair.\nBudget next quarter.\nCall back."}
	theirs, yours := base, base
	theirs.Body = "Met at the Berlin fair.\nBudget next quarter.\nCall back."
	yours.Body = "Met at the fair.\nBudget next quarter.\nCall back on Monday."

	w := domain.CompareThreeWay(entry.EditableFields, &base, theirs, yours)
	require.Empty(t, w.Conflicts)
	assert.Equal(t, []string{entry.FieldBody}, w.Combined)
	merged := w.Proposed
	assert.Equal(t, "Met at the Berlin fair.\nBudget next quarter.\nCall back on Monday.", merged.Body)
}

// FuzzFieldsValidate checks that whatever a form or a script sends, an
// accepted entry can be stored as is (the database rejects NUL and broken
// UTF-8, and has the same CHECKs) and a refused one names only fields the
// form can show a message next to.
func FuzzFieldsValidate(f *testing.F) {
	f.Add("call", "Asked for a trial.", "connected", 12)
	f.Add("note", "", "", 0)
	f.Add("meeting", strings.Repeat("é", entry.MaxBodyLen+1), "no-show", 1441)
	f.Add("email", "nul\x00 \xff", "held", -1)
	f.Fuzz(func(t *testing.T, typ, body, outcome string, duration int) {
		raw := entry.Fields{Type: entry.Type(typ), Body: body, Outcome: entry.Outcome(outcome), Duration: duration}
		norm := raw.Normalize()
		require.Equal(t, norm, norm.Normalize(), "Normalize must be idempotent")
		err := norm.Validate()
		if err != nil {
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			require.NotEmpty(t, v.Fields)
			for _, fe := range v.Fields {
				require.Truef(t, slices.Contains(entry.EditableFields, fe.Field), "field %q is not in the form", fe.Field)
				assert.NotEmpty(t, fe.Message)
			}
			return
		}
		require.True(t, utf8.ValidString(norm.Body))
		require.NotContains(t, norm.Body, "\x00")
		require.LessOrEqual(t, utf8.RuneCountInString(norm.Body), entry.MaxBodyLen)
		require.Contains(t, entry.Types, norm.Type)
		require.True(t, norm.Outcome == entry.OutcomeNone || slices.Contains(entry.Outcomes[norm.Type], norm.Outcome))
		require.True(t, norm.Duration >= 0 && norm.Duration <= entry.MaxDurationMin)
	})
}
