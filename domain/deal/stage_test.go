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
	deal.StageQualification: {deal.StageProposal: true, deal.StageNegotiation: true, deal.StageWon: true, deal.StageLost: true},
	deal.StageProposal:      {deal.StageQualification: true, deal.StageNegotiation: true, deal.StageWon: true, deal.StageLost: true},
	deal.StageNegotiation:   {deal.StageQualification: true, deal.StageProposal: true, deal.StageWon: true, deal.StageLost: true},
	deal.StageLost:          {deal.StageQualification: true},
	deal.StageWon:           {},
}

var allStages = []deal.Stage{deal.StageQualification, deal.StageProposal, deal.StageNegotiation, deal.StageWon, deal.StageLost}

var (
	nov30 = day("2026-11-30")
	dec31 = day("2026-12-31")
)

func day(s string) domain.Date {
	d, err := domain.ParseDate("day", "Day", s)
	if err != nil {
		panic(err)
	}
	return d
}

// dealIn returns a stored deal in stage st; one in Negotiation expects to
// close on dec31, as it could not have got there otherwise, and a closed
// one closed on nov30.
func dealIn(t *testing.T, st deal.Stage) *deal.Deal {
	t.Helper()
	f := validFields()
	if st == deal.StageNegotiation {
		f.ExpectedClose = dec31
	}
	var closed domain.Date
	if !st.Open() {
		closed = nov30
	}
	d := deal.Rehydrate(deal.Snapshot{ID: 42, Version: 3, Stage: st, ClosedOn: closed, ContactID: 7, Fields: f, UpdatedBy: "ada"})
	require.Equal(t, st, d.Stage())
	return d
}

// TestStage_everyPairFollowsTheTable moves a deal with every gate
// satisfied, so that only the table decides.
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
				err := d.MoveTo(to, "bruno", deal.Gate{ExpectedClose: dec31, ClosedOn: nov30})
				if allowed {
					require.NoError(t, err)
					assert.Equal(t, to, d.Stage())
					assert.Equal(t, "bruno", d.UpdatedBy())
					require.Len(t, d.DomainEvents(), 1)
					ev := d.DomainEvents()[0]
					assert.Equal(t, deal.EventStageChanged, ev.Name)
					assert.Equal(t, domain.Change{Field: deal.FieldStage, Old: string(from), New: string(to)}, ev.Changes[0])
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
		{"WON to QUALIFICATION says a won deal stays won", deal.StageWon, deal.StageQualification, "Cannot move from WON to QUALIFICATION. A won deal stays won."},
		{"WON to LOST says a won deal stays won", deal.StageWon, deal.StageLost, "Cannot move from WON to LOST. A won deal stays won."},
		{"LOST to PROPOSAL must be reopened to Qualification", deal.StageLost, deal.StageProposal, "Cannot move from LOST to PROPOSAL."},
		{"LOST to WON must be reopened first", deal.StageLost, deal.StageWon, "Cannot move from LOST to WON."},
		{"PROPOSAL to PROPOSAL is already there", deal.StageProposal, deal.StageProposal, "The deal is already PROPOSAL."},
		{"WON to WON is already there", deal.StageWon, deal.StageWon, "The deal is already WON."},
		{"QUALIFICATION to an unknown stage is refused", deal.StageQualification, "OPEN", "Cannot move from QUALIFICATION to OPEN."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := dealIn(t, tt.from).MoveTo(tt.to, "bruno", deal.Gate{ExpectedClose: dec31, ClosedOn: nov30})
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, tt.message, rule.Message)
		})
	}
}

func TestDeal_MoveTo_gates(t *testing.T) {
	t.Parallel()
	refused := func(t *testing.T, d *deal.Deal, err error, field, message string, from deal.Stage) {
		t.Helper()
		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, field, rule.Field)
		assert.Equal(t, message, rule.Message)
		assert.Equal(t, from, d.Stage(), "a refused move changes nothing")
		assert.Empty(t, d.DomainEvents())
	}
	for _, from := range []deal.Stage{deal.StageQualification, deal.StageProposal} {
		t.Run(string(from)+" to NEGOTIATION without an expected close is refused, naming the field", func(t *testing.T) {
			t.Parallel()
			d := dealIn(t, from)
			err := d.MoveTo(deal.StageNegotiation, "bruno", deal.Gate{ClosedOn: nov30})
			refused(t, d, err, deal.FieldExpectedClose, "Set the expected close date to move the deal to Negotiation.", from)
		})
	}
	t.Run("NEGOTIATION with the deal's own expected close goes through and changes only the stage", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageProposal)
		f := validFields()
		f.ExpectedClose = dec31
		_, err := d.Edit(f, "ada")
		require.NoError(t, err)
		d.ClearEvents()

		require.NoError(t, d.MoveTo(deal.StageNegotiation, "bruno", deal.Gate{}))
		assert.Equal(t, []domain.Event{{Name: deal.EventStageChanged, Actor: "bruno", Changes: []domain.Change{
			{Field: deal.FieldStage, Old: "PROPOSAL", New: "NEGOTIATION"}}}}, d.DomainEvents())
	})
	t.Run("NEGOTIATION with the gate's expected close sets it in the same event", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)
		require.NoError(t, d.MoveTo(deal.StageNegotiation, "bruno", deal.Gate{ExpectedClose: dec31}))
		assert.Equal(t, dec31, d.Fields().ExpectedClose)
		assert.Equal(t, []domain.Event{{Name: deal.EventStageChanged, Actor: "bruno", Changes: []domain.Change{
			{Field: deal.FieldStage, Old: "QUALIFICATION", New: "NEGOTIATION"},
			{Field: deal.FieldExpectedClose, Old: "", New: "2026-12-31"}}}}, d.DomainEvents())
	})
	for _, from := range []deal.Stage{deal.StageQualification, deal.StageProposal, deal.StageNegotiation} {
		t.Run(string(from)+" to WON without a close date is refused, naming the field", func(t *testing.T) {
			t.Parallel()
			d := dealIn(t, from)
			err := d.MoveTo(deal.StageWon, "bruno", deal.Gate{ExpectedClose: dec31})
			refused(t, d, err, deal.FieldClosedOn, "Set the closed-on date to mark the deal Won.", from)
			assert.True(t, d.ClosedOn().IsZero())
		})
	}
	t.Run("WON records the day it closed", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageNegotiation)
		require.NoError(t, d.MoveTo(deal.StageWon, "bruno", deal.Gate{ClosedOn: nov30}))
		assert.Equal(t, nov30, d.ClosedOn())
		assert.Equal(t, []domain.Event{{Name: deal.EventStageChanged, Actor: "bruno", Changes: []domain.Change{
			{Field: deal.FieldStage, Old: "NEGOTIATION", New: "WON"},
			{Field: deal.FieldClosedOn, Old: "", New: "2026-11-30"}}}}, d.DomainEvents())
	})
	t.Run("LOST needs no day but records one given", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageProposal)
		require.NoError(t, d.MoveTo(deal.StageLost, "bruno", deal.Gate{}))
		assert.True(t, d.ClosedOn().IsZero())

		d = dealIn(t, deal.StageProposal)
		require.NoError(t, d.MoveTo(deal.StageLost, "bruno", deal.Gate{ClosedOn: nov30}))
		assert.Equal(t, nov30, d.ClosedOn())
	})
	t.Run("reopening a lost deal clears the day it closed, whatever the gate says", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageLost)
		require.NoError(t, d.MoveTo(deal.StageQualification, "bruno", deal.Gate{ClosedOn: dec31}))
		assert.True(t, d.ClosedOn().IsZero())
		assert.Equal(t, []domain.Change{{Field: deal.FieldStage, Old: "LOST", New: "QUALIFICATION"},
			{Field: deal.FieldClosedOn, Old: "2026-11-30", New: ""}}, d.DomainEvents()[0].Changes)
	})
	t.Run("the table is checked before the gates", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageLost)
		err := d.MoveTo(deal.StageWon, "bruno", deal.Gate{})
		refused(t, d, err, deal.FieldStage, "Cannot move from LOST to WON.", deal.StageLost)
	})
	t.Run("a deal in Negotiation keeps its expected close", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageNegotiation)
		f := d.Fields()
		f.ExpectedClose = domain.Date{}
		_, err := d.Edit(f, "bruno")
		refused(t, d, err, deal.FieldExpectedClose, "A deal in Negotiation keeps its expected close date.", deal.StageNegotiation)
		assert.Equal(t, dec31, d.Fields().ExpectedClose)

		f.ExpectedClose = nov30
		_, err = d.Edit(f, "bruno")
		require.NoError(t, err, "another date is fine")
	})
	t.Run("a deal in Proposal may drop its expected close", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageProposal)
		f := d.Fields()
		f.ExpectedClose = dec31
		_, err := d.Edit(f, "bruno")
		require.NoError(t, err)
		f.ExpectedClose = domain.Date{}
		_, err = d.Edit(f, "bruno")
		require.NoError(t, err)
	})
}

func TestStage_NextListsTheTableInOrder(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []deal.Stage{deal.StageProposal, deal.StageNegotiation, deal.StageWon, deal.StageLost}, deal.StageQualification.Next())
	assert.Equal(t, []deal.Stage{deal.StageQualification, deal.StageNegotiation, deal.StageWon, deal.StageLost}, deal.StageProposal.Next())
	assert.Equal(t, []deal.Stage{deal.StageQualification, deal.StageProposal, deal.StageWon, deal.StageLost}, deal.StageNegotiation.Next())
	assert.Equal(t, []deal.Stage{deal.StageQualification}, deal.StageLost.Next())
	assert.Empty(t, deal.StageWon.Next())

	next := deal.StageQualification.Next()
	next[0] = deal.StageLost
	assert.Equal(t, deal.StageProposal, deal.StageQualification.Next()[0], "callers cannot change the table")
}

func TestStage_OpenAndProbability(t *testing.T) {
	t.Parallel()
	want := map[deal.Stage]struct {
		open        bool
		probability int
	}{
		deal.StageQualification: {true, 10}, deal.StageProposal: {true, 30}, deal.StageNegotiation: {true, 60},
		deal.StageWon: {false, 100}, deal.StageLost: {false, 0},
	}
	for _, s := range allStages {
		assert.Equal(t, want[s].open, s.Open(), "%s open", s)
		assert.Equal(t, want[s].probability, s.Probability(), "%s probability", s)
	}
	assert.Equal(t, allStages, deal.Stages, "pipeline order, open stages first")
	assert.False(t, deal.Stage("OPEN").Open())
}

func TestParseStage(t *testing.T) {
	t.Parallel()
	for _, s := range allStages {
		got, err := deal.ParseStage(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, bad := range []string{"", "qualification", "OPEN", "CLOSED", "NEW"} {
		_, err := deal.ParseStage(bad)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v, "%q", bad)
		assert.Equal(t, fmt.Sprintf("%q is not a stage; use one of QUALIFICATION, PROPOSAL, NEGOTIATION, WON, LOST.", bad), v.For(deal.FieldStage))
	}
}

func TestStage_Label(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Qualification", deal.StageQualification.Label())
	assert.Equal(t, "Proposal", deal.StageProposal.Label())
	assert.Equal(t, "Negotiation", deal.StageNegotiation.Label())
	assert.Equal(t, "Won", deal.StageWon.Label())
	assert.Equal(t, "Lost", deal.StageLost.Label())
	assert.Empty(t, deal.Stage("").Label())
}
