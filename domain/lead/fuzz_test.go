package lead_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

// FuzzFieldsValidate checks that whatever a form or a script sends, an
// accepted lead can be stored as is (the database rejects NUL and broken
// UTF-8, and has the same length CHECKs) and a refused one names only
// fields the form can show a message next to.
func FuzzFieldsValidate(f *testing.F) {
	f.Add("Ada Lovelace", "ada@example.com", "Analytical Engines", "+44 20 7946 0958", "referral", "Met at the expo.", 50)
	f.Add("  Ada  ", " ada@example.com ", "\tEngines\n", " 555-0100 ", " expo ", "  keeps\nits layout  ", 0)
	f.Add("", "", "", "", "", "", -1)
	f.Add(strings.Repeat("é", lead.MaxNameLen+1), "Ada <ada@example.com>", "a\u202eb", "12", "x\x00y", "bad \xff byte", 101)
	f.Add("Ada\u2028King", "ada@[127.0.0.1]", strings.Repeat("c", lead.MaxTextLen), "(555) 010-0000 x12", "\x85", "nul \x00 in notes", 100)
	f.Add("Ada", "a@b.c", "", "+1 555", "", strings.Repeat("n", lead.MaxNotesLen+1), 80)
	f.Fuzz(func(t *testing.T, name, email, company, phone, source, notes string, score int) {
		raw := lead.Fields{Name: name, Email: email, Company: company, Phone: phone, Source: source, Notes: notes, Score: score}
		norm := raw.Normalize()
		require.Equal(t, norm, norm.Normalize(), "Normalize must be idempotent")
		assert.Equal(t, domain.NFC(raw.Notes), norm.Notes, "Normalize must keep the notes' layout, changing only their Unicode form")

		// Validate expects normalized fields, but callers that forget must
		// still get a verdict that holds, not a panic.
		checkLeadVerdict(t, raw, raw.Validate())
		err := norm.Validate()
		checkLeadVerdict(t, norm, err)

		// New is the door the use cases use: it must agree with Validate
		// on normalized input, or a lead could be created that Validate
		// refuses (or the other way round).
		l, newErr := lead.New(raw, "ada")
		if err != nil {
			require.Error(t, newErr)
			assert.Equal(t, err, newErr)
			return
		}
		require.NoError(t, newErr)
		assert.Equal(t, norm, l.Fields())
		assert.Equal(t, lead.StatusNew, l.Status())
	})
}

// checkLeadVerdict asserts what Validate's answer err promises about fl.
func checkLeadVerdict(t *testing.T, fl lead.Fields, err error) {
	t.Helper()
	if err != nil {
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		require.NotEmpty(t, v.Fields, "a ValidationError must name at least one field")
		last := -1
		for _, fe := range v.Fields {
			i := slices.Index(lead.EditableFields, fe.Field)
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
		{lead.FieldName, fl.Name, lead.MaxNameLen, true},
		{lead.FieldEmail, fl.Email, lead.MaxEmailLen, false},
		{lead.FieldCompany, fl.Company, lead.MaxTextLen, true},
		{lead.FieldPhone, fl.Phone, lead.MaxPhoneLen, true},
		{lead.FieldSource, fl.Source, lead.MaxTextLen, true},
		{lead.FieldNotes, fl.Notes, lead.MaxNotesLen, false},
	}
	for _, tx := range texts {
		require.Truef(t, utf8.ValidString(tx.value), "accepted %s %q is not valid UTF-8", tx.name, tx.value)
		require.NotContainsf(t, tx.value, "\x00", "accepted %s %q holds a NUL byte", tx.name, tx.value)
		require.LessOrEqualf(t, utf8.RuneCountInString(tx.value), tx.limit, "accepted %s is over its limit", tx.name)
		if tx.oneLine {
			require.Falsef(t, strings.ContainsFunc(tx.value, breaksLine), "accepted %s %q is not a single line", tx.name, tx.value)
		}
	}
	require.NotEmpty(t, fl.Name, "an accepted lead has a name")
	require.GreaterOrEqual(t, fl.Score, lead.MinScore)
	require.LessOrEqual(t, fl.Score, lead.MaxScore)
}

// breaksLine is what domain.CheckLine refuses in a one-line field.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r)
}

// FuzzStatusMoves checks the state machine against the product table for
// any pair of strings, including ones that are not statuses at all: a
// refused move must leave the lead exactly as it was, so a handler that
// shows the error never saves half a move.
func FuzzStatusMoves(f *testing.F) {
	f.Add("NEW", "CONTACTED", 10)
	f.Add("QUALIFIED", "CONVERTED", 80)
	f.Add("QUALIFIED", "CONVERTED", 79)
	f.Add("CONVERTED", "NEW", 100)
	f.Add("LOST", "NEW", 0)
	f.Add("NEW", "NEW", 50)
	f.Add("new", "contacted", 50)
	f.Add("QUALIFIED", "", -1)
	f.Fuzz(func(t *testing.T, fromRaw, toRaw string, score int) {
		from, err := lead.ParseStatus(fromRaw)
		known := slices.Contains(lead.Statuses, lead.Status(fromRaw))
		if !known {
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v, "ParseStatus(%q) must refuse an unknown status", fromRaw)
			require.Equal(t, lead.FieldStatus, v.Fields[0].Field)
			return
		}
		require.NoError(t, err, "ParseStatus(%q) must accept a known status", fromRaw)
		require.Equal(t, lead.Status(fromRaw), from)

		to := lead.Status(toRaw)
		_, toErr := lead.ParseStatus(toRaw)
		if toErr == nil {
			// Checks CanMoveTo against the README's table rather than against itself.
			assert.Equal(t, allowedMoves[from][to], from.CanMoveTo(to))
		} else {
			assert.False(t, from.CanMoveTo(to), "no move may lead to the unknown status %q", toRaw)
		}

		l := leadIn(t, from, score)
		before := l.Snapshot()
		err = l.MoveTo(to, "bob")
		wantMove := from.CanMoveTo(to) && to != lead.StatusConverted
		if err != nil {
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, lead.FieldStatus, rule.Field)
			assert.Falsef(t, wantMove, "MoveTo %s → %s was refused: %v", from, to, err)
			assert.Equal(t, from, l.Status())
			assert.Equal(t, before, l.Snapshot())
			assert.Empty(t, l.DomainEvents())
		} else {
			require.Truef(t, wantMove, "MoveTo %s → %s must be refused", from, to)
			assert.Equal(t, to, l.Status())
			assert.Equal(t, "bob", l.UpdatedBy())
			assert.Equal(t, before.Fields, l.Fields())
			assert.Equal(t, []domain.Event{{
				Name: lead.EventStatusChanged, Actor: "bob",
				Changes: []domain.Change{{Field: lead.FieldStatus, Old: string(from), New: string(to)}},
			}}, l.DomainEvents())
		}

		l = leadIn(t, from, score)
		before = l.Snapshot()
		canConvert := l.CanConvert()
		err = l.Convert(7, 9, "x")
		assert.Equal(t, canConvert, err, "CanConvert must predict Convert")
		wantConvert := from == lead.StatusQualified && score >= lead.ConvertMinScore
		if err != nil {
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Falsef(t, wantConvert, "Convert from %s at score %d was refused: %v", from, score, err)
			assert.Equal(t, before, l.Snapshot())
			assert.Empty(t, l.DomainEvents())
			return
		}
		require.Truef(t, wantConvert, "Convert from %s at score %d must be refused", from, score)
		assert.Equal(t, lead.StatusConverted, l.Status())
		assert.Equal(t, []domain.Event{{
			Name: lead.EventConverted, Actor: "x",
			Changes: []domain.Change{{Field: lead.FieldStatus, Old: string(from), New: string(lead.StatusConverted)}},
			Refs:    map[string]int64{lead.RefContact: 7, lead.RefDeal: 9},
		}}, l.DomainEvents())
	})
}
