package lead_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

// allowedMoves is the table of status moves in the README, written out again
// here on purpose: the tests check the code against the product, not against
// itself.
var allowedMoves = map[lead.Status]map[lead.Status]bool{
	lead.StatusNew:       {lead.StatusContacted: true, lead.StatusLost: true},
	lead.StatusContacted: {lead.StatusQualified: true, lead.StatusLost: true},
	lead.StatusQualified: {lead.StatusConverted: true, lead.StatusContacted: true, lead.StatusLost: true},
	lead.StatusLost:      {lead.StatusNew: true},
	lead.StatusConverted: {},
}

var allStatuses = []lead.Status{
	lead.StatusNew, lead.StatusContacted, lead.StatusQualified, lead.StatusConverted, lead.StatusLost,
}

// leadIn returns a stored lead in status st with the given score.
func leadIn(t *testing.T, st lead.Status, score int) *lead.Lead {
	t.Helper()
	l := lead.Rehydrate(lead.Snapshot{
		ID: 42, Version: 3, Status: st, UpdatedBy: "ada",
		Fields: lead.Fields{Name: "Grace Hopper", Email: "grace@example.com", Score: score},
	})
	require.Equal(t, st, l.Status())
	require.Equal(t, score, l.Fields().Score)
	return l
}

func moveName(from, to lead.Status, allowed bool) string {
	verdict := "is refused"
	if allowed {
		verdict = "is allowed"
	}
	return fmt.Sprintf("%s to %s %s", from, to, verdict)
}

func TestStatus_CanMoveTo_matchesTheProductTable(t *testing.T) {
	t.Parallel()
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := allowedMoves[from][to]
			t.Run(moveName(from, to, want), func(t *testing.T) {
				t.Parallel()
				assert.Equal(t, want, from.CanMoveTo(to))
			})
		}
	}
}

func TestStatus_CanMoveTo_unknownStatusesAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to lead.Status
	}{
		{"NEW to an unknown status is refused", lead.StatusNew, "WON"},
		{"an unknown status to NEW is refused", "WON", lead.StatusNew},
		{"NEW to the empty status is refused", lead.StatusNew, ""},
		{"lower-case contacted is not CONTACTED", lead.StatusNew, "contacted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.False(t, tt.from.CanMoveTo(tt.to))
		})
	}
}

func TestLead_MoveTo_followsTheProductTable(t *testing.T) {
	t.Parallel()
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			want := allowedMoves[from][to]
			t.Run(moveName(from, to, want), func(t *testing.T) {
				t.Parallel()
				// Score 100 so that the conversion rule never gets in the way.
				l := leadIn(t, from, 100)

				err := l.MoveTo(to, "bob")
				if want && to == lead.StatusConverted {
					// The table allows it, but only Convert may make the move.
					var rule *domain.RuleError
					require.ErrorAs(t, err, &rule)
					assert.Equal(t, convertPageMessage, rule.Message)
					assert.Equal(t, from, l.Status())
					err = l.Convert(7, 9, "bob")
				}

				if want {
					require.NoError(t, err)
					assert.Equal(t, to, l.Status())
					assert.Equal(t, "bob", l.UpdatedBy())
					return
				}
				var rule *domain.RuleError
				require.ErrorAs(t, err, &rule)
				assert.Equal(t, lead.FieldStatus, rule.Field)
				assert.Equal(t, from, l.Status(), "a refused move leaves the status alone")
				assert.Equal(t, "ada", l.UpdatedBy(), "a refused move does not touch updatedBy")
				switch {
				case from == to:
					assert.Equal(t, fmt.Sprintf("The lead is already %s.", from), rule.Message)
				case from == lead.StatusConverted:
					assert.Equal(t, fmt.Sprintf("Cannot move from CONVERTED to %s. A converted lead stays converted.", to), rule.Message)
				default:
					assert.Equal(t, fmt.Sprintf("Cannot move from %s to %s.", from, to), rule.Message)
				}
			})
		}
	}
}

func TestLead_MoveTo_refusalMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to lead.Status
		want     string
	}{
		{"NEW to QUALIFIED says exactly why", lead.StatusNew, lead.StatusQualified, "Cannot move from NEW to QUALIFIED."},
		{"NEW to CONVERTED says exactly why", lead.StatusNew, lead.StatusConverted, "Cannot move from NEW to CONVERTED."},
		{"CONTACTED to NEW says exactly why", lead.StatusContacted, lead.StatusNew, "Cannot move from CONTACTED to NEW."},
		{"LOST to CONTACTED says exactly why", lead.StatusLost, lead.StatusContacted, "Cannot move from LOST to CONTACTED."},
		{"CONVERTED to LOST says it stays converted", lead.StatusConverted, lead.StatusLost, "Cannot move from CONVERTED to LOST. A converted lead stays converted."},
		{"NEW to NEW says it is already there", lead.StatusNew, lead.StatusNew, "The lead is already NEW."},
		{"CONVERTED to CONVERTED says it is already there", lead.StatusConverted, lead.StatusConverted, "The lead is already CONVERTED."},
		{"NEW to an unknown status is refused", lead.StatusNew, "WON", "Cannot move from NEW to WON."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, tt.from, 100)

			err := l.MoveTo(tt.to, "bob")

			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, lead.FieldStatus, rule.Field)
			assert.Equal(t, tt.want, rule.Message)
			assert.EqualError(t, err, tt.want)
		})
	}
}

const convertPageMessage = "A lead is converted from its Convert page, which creates the contact and the deal in the same step."

func TestLead_Convert_needsScore80(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		score   int
		allowed bool
	}{
		{"QUALIFIED to CONVERTED at 0 is refused", 0, false},
		{"QUALIFIED to CONVERTED at 79 is refused", 79, false},
		{"QUALIFIED to CONVERTED at 80 is allowed", 80, true},
		{"QUALIFIED to CONVERTED at 100 is allowed", 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, lead.StatusQualified, tt.score)

			err := l.Convert(7, 9, "bob")

			if tt.allowed {
				require.NoError(t, err)
				assert.Equal(t, lead.StatusConverted, l.Status())
				assert.Equal(t, "bob", l.UpdatedBy())
				return
			}
			assert.Equal(t, fmt.Sprintf("Score %d is below the 80 needed to convert.", tt.score), l.CanConvert().Error())
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, lead.FieldScore, rule.Field)
			assert.Equal(t, fmt.Sprintf("Score %d is below the 80 needed to convert.", tt.score), rule.Message)
			assert.Equal(t, lead.StatusQualified, l.Status())
			assert.Equal(t, "ada", l.UpdatedBy())
			assert.Empty(t, l.DomainEvents())
		})
	}
}

func TestLead_Convert(t *testing.T) {
	t.Parallel()
	t.Run("records LeadConverted with the status change and the contact and deal", func(t *testing.T) {
		t.Parallel()
		l := leadIn(t, lead.StatusQualified, 85)

		require.NoError(t, l.Convert(7, 9, "bob"))

		assert.Equal(t, lead.StatusConverted, l.Status())
		assert.Equal(t, []domain.Event{{
			Name: lead.EventConverted, Actor: "bob",
			Changes: []domain.Change{{Field: lead.FieldStatus, Old: "QUALIFIED", New: "CONVERTED"}},
			Refs:    map[string]int64{lead.RefContact: 7, lead.RefDeal: 9},
		}}, l.DomainEvents())
		assert.Empty(t, l.NextStatuses(), "CONVERTED is terminal")
	})
	refusals := []struct {
		name   string
		status lead.Status
		want   string
	}{
		{"a NEW lead is refused by the state machine", lead.StatusNew, "Cannot move from NEW to CONVERTED."},
		{"a CONTACTED lead is refused by the state machine", lead.StatusContacted, "Cannot move from CONTACTED to CONVERTED."},
		{"a LOST lead is refused by the state machine", lead.StatusLost, "Cannot move from LOST to CONVERTED."},
		{"a CONVERTED lead is already converted", lead.StatusConverted, "The lead is already CONVERTED."},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, tt.status, 100)
			before := l.Snapshot()

			err := l.Convert(7, 9, "bob")

			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, lead.FieldStatus, rule.Field)
			assert.Equal(t, tt.want, rule.Message)
			assert.Equal(t, err, l.CanConvert(), "CanConvert gives the same answer without converting")
			assert.Equal(t, before, l.Snapshot())
			assert.Empty(t, l.DomainEvents())
		})
	}
	t.Run("a contact and a deal that were never stored are a programming error", func(t *testing.T) {
		t.Parallel()
		for _, ids := range [][2]int64{{0, 9}, {7, 0}, {-1, -1}} {
			l := leadIn(t, lead.StatusQualified, 100)
			err := l.Convert(ids[0], ids[1], "bob")
			require.Error(t, err)
			var rule *domain.RuleError
			assert.False(t, errors.As(err, &rule), "not a rep's mistake: %v", err)
			assert.Equal(t, lead.StatusQualified, l.Status())
			assert.Empty(t, l.DomainEvents())
		}
	})
	t.Run("MoveTo never converts, whatever the score", func(t *testing.T) {
		t.Parallel()
		l := leadIn(t, lead.StatusQualified, 100)

		err := l.MoveTo(lead.StatusConverted, "bob")

		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, lead.FieldStatus, rule.Field)
		assert.Equal(t, convertPageMessage, rule.Message)
		assert.Equal(t, lead.StatusQualified, l.Status())
		assert.Empty(t, l.DomainEvents())
	})
}

func TestLead_MoveTo_lowScoreOnlyMattersForConverting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to lead.Status
	}{
		{"QUALIFIED to LOST at 0 is allowed", lead.StatusQualified, lead.StatusLost},
		{"QUALIFIED to CONTACTED at 0 is allowed", lead.StatusQualified, lead.StatusContacted},
		{"NEW to CONTACTED at 0 is allowed", lead.StatusNew, lead.StatusContacted},
		{"LOST to NEW at 0 is allowed", lead.StatusLost, lead.StatusNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, tt.from, 0)
			require.NoError(t, l.MoveTo(tt.to, "bob"))
			assert.Equal(t, tt.to, l.Status())
		})
	}
}

func TestLead_MoveTo_aStateMachineErrorComesBeforeTheScore(t *testing.T) {
	t.Parallel()
	l := leadIn(t, lead.StatusNew, 10)

	err := l.MoveTo(lead.StatusConverted, "bob")

	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, lead.FieldStatus, rule.Field)
	assert.Equal(t, "Cannot move from NEW to CONVERTED.", rule.Message)
}

func TestLead_MoveTo_aWholeFunnel(t *testing.T) {
	t.Parallel()
	l := leadIn(t, lead.StatusNew, 85)
	for _, to := range []lead.Status{
		lead.StatusLost, lead.StatusNew, lead.StatusContacted, lead.StatusQualified,
		lead.StatusContacted, lead.StatusQualified,
	} {
		require.NoError(t, l.MoveTo(to, "bob"), "moving to %s", to)
	}
	require.NoError(t, l.Convert(7, 9, "bob"))
	assert.Equal(t, lead.StatusConverted, l.Status())
	assert.Empty(t, l.NextStatuses(), "CONVERTED is terminal")
}

func TestStatus_Next_listsTheAllowedMoves(t *testing.T) {
	t.Parallel()
	for _, from := range allStatuses {
		t.Run(string(from)+" lists exactly its allowed moves", func(t *testing.T) {
			t.Parallel()
			var want []lead.Status
			for _, to := range allStatuses {
				if allowedMoves[from][to] {
					want = append(want, to)
				}
			}
			assert.ElementsMatch(t, want, from.Next())
			assert.ElementsMatch(t, want, leadIn(t, from, 100).NextStatuses())
		})
	}
	t.Run("changing the returned list does not change the state machine", func(t *testing.T) {
		t.Parallel()
		next := lead.StatusNew.Next()
		require.NotEmpty(t, next)
		next[0] = lead.StatusConverted
		assert.False(t, lead.StatusNew.CanMoveTo(lead.StatusConverted))
	})
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, st := range allStatuses {
		t.Run(string(st)+" is a status", func(t *testing.T) {
			t.Parallel()
			got, err := lead.ParseStatus(string(st))
			require.NoError(t, err)
			assert.Equal(t, st, got)
		})
	}
	for _, in := range []string{"", "new", "WON", " NEW"} {
		t.Run(fmt.Sprintf("%q is refused with a status validation error", in), func(t *testing.T) {
			t.Parallel()
			_, err := lead.ParseStatus(in)
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Contains(t, v.For(lead.FieldStatus), "is not a status")
		})
	}
}

func TestStatuses_areInFunnelOrder(t *testing.T) {
	t.Parallel()
	assert.Equal(t, allStatuses, lead.Statuses)
}

func TestStatus_Label(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   lead.Status
		want string
	}{
		{lead.StatusNew, "New"},
		{lead.StatusContacted, "Contacted"},
		{lead.StatusQualified, "Qualified"},
		{lead.StatusConverted, "Converted"},
		{lead.StatusLost, "Lost"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q reads as %q", tt.st, tt.want), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.st.Label())
		})
	}
}
