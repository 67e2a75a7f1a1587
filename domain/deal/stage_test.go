package deal_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

// allowedMoves is the stage table of the brief, written out again here on
// purpose: the tests check the code against the product, not against itself.
var allowedMoves = map[deal.Stage]map[deal.Stage]bool{
	deal.StageOpen: {deal.StageWon: true, deal.StageLost: true},
	deal.StageLost: {deal.StageOpen: true},
	deal.StageWon:  {},
}

var allStages = []deal.Stage{deal.StageOpen, deal.StageWon, deal.StageLost}

// dealIn returns a stored deal in stage st.
func dealIn(t *testing.T, st deal.Stage) *deal.Deal {
	t.Helper()
	d := deal.Rehydrate(deal.Snapshot{ID: 42, Version: 3, Stage: st, ContactID: 7, Fields: validFields(), UpdatedBy: "ada"})
	require.Equal(t, st, d.Stage())
	return d
}

func TestStage_everyPairFollowsTheTable(t *testing.T) {
	t.Parallel()
	for _, from := range allStages {
		for _, to := range allStages {
			allowed := allowedMoves[from][to]
			verdict := "is refused"
			if allowed {
				verdict = "is allowed"
			}
			t.Run(fmt.Sprintf("%s to %s %s", from, to, verdict), func(t *testing.T) {
				t.Parallel()
				assert.Equal(t, allowed, from.CanMoveTo(to))

				d := dealIn(t, from)
				err := d.MoveTo(to, "bruno")
				if allowed {
					require.NoError(t, err)
					assert.Equal(t, to, d.Stage())
					assert.Equal(t, "bruno", d.UpdatedBy())
					assert.Equal(t, []domain.Event{{Name: deal.EventStageChanged, Actor: "bruno", Changes: []domain.Change{
						{Field: deal.FieldStage, Old: string(from), New: string(to)}}}}, d.DomainEvents())
					return
				}
				var rule *domain.RuleError
				require.ErrorAs(t, err, &rule)
				assert.Equal(t, deal.FieldStage, rule.Field)
				assert.Equal(t, from, d.Stage(), "a refused move changes nothing")
				assert.Equal(t, "ada", d.UpdatedBy())
				assert.Empty(t, d.DomainEvents(), "a refused move records nothing")
			})
		}
	}
}

func TestDeal_MoveTo_refusalsSayWhy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to deal.Stage
		message  string
	}{
		{"WON to OPEN says a won deal stays won", deal.StageWon, deal.StageOpen, "Cannot move from WON to OPEN. A won deal stays won."},
		{"WON to LOST says a won deal stays won", deal.StageWon, deal.StageLost, "Cannot move from WON to LOST. A won deal stays won."},
		{"LOST to WON must be reopened first", deal.StageLost, deal.StageWon, "Cannot move from LOST to WON."},
		{"OPEN to OPEN is already there", deal.StageOpen, deal.StageOpen, "The deal is already OPEN."},
		{"WON to WON is already there", deal.StageWon, deal.StageWon, "The deal is already WON."},
		{"LOST to LOST is already there", deal.StageLost, deal.StageLost, "The deal is already LOST."},
		{"OPEN to an unknown stage is refused", deal.StageOpen, "CLOSED", "Cannot move from OPEN to CLOSED."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := dealIn(t, tt.from).MoveTo(tt.to, "bruno")
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, tt.message, rule.Message)
		})
	}
}

func TestStage_NextListsTheTableInOrder(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []deal.Stage{deal.StageWon, deal.StageLost}, deal.StageOpen.Next())
	assert.Equal(t, []deal.Stage{deal.StageOpen}, deal.StageLost.Next())
	assert.Empty(t, deal.StageWon.Next())

	next := deal.StageOpen.Next()
	next[0] = deal.StageLost
	assert.Equal(t, deal.StageWon, deal.StageOpen.Next()[0], "callers cannot change the table")
}

func TestParseStage(t *testing.T) {
	t.Parallel()
	for _, s := range allStages {
		got, err := deal.ParseStage(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, bad := range []string{"", "open", "CLOSED", "NEW"} {
		_, err := deal.ParseStage(bad)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v, "%q", bad)
		assert.Equal(t, fmt.Sprintf("%q is not a stage; use one of OPEN, WON, LOST.", bad), v.For(deal.FieldStage))
	}
}

func TestStage_Label(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Open", deal.StageOpen.Label())
	assert.Equal(t, "Won", deal.StageWon.Label())
	assert.Equal(t, "Lost", deal.StageLost.Label())
	assert.Empty(t, deal.Stage("").Label())
}
