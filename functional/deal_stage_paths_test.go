package functional

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

// dealStagePath is one way a deal's stage is written. move posts a move
// of d (as read) to stage to with the given dates ("" for none) and
// returns the status and the refusal's message, "" when it went through.
type dealStagePath struct {
	name string
	move func(a *instance, d *deal.Deal, to deal.Stage, expectedClose, closedOn string) (status int, message string)
}

// actionError is the refusal a deal page shows by its Move-to buttons,
// cardError the one a board shows by the card.
var (
	actionError = regexp.MustCompile(`data-testid="action-error">([^<]*)<`)
	cardError   = regexp.MustCompile(`data-testid="card-error">([^<]*)<`)
)

func pageRefusal(res response) string {
	if m := actionError.FindStringSubmatch(res.body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// dealStagePaths are every path that writes a deal's stage. There is no
// other: deals have no bulk change and no import (both are the leads'),
// the API's PATCH refuses the stage (TestDealStagePaths checks it), a
// conversion creates a deal in Qualification and the seed writes rows
// directly (infrastructure/postgres's seed tests check they keep the
// gates). The boards post the page's move, with their dialog's date.
// token is an API token.
func dealStagePaths(token string) []dealStagePath {
	return []dealStagePath{
		{"the page's Move-to button, which posts the deal's form", func(a *instance, d *deal.Deal, to deal.Stage, expectedClose, closedOn string) (int, string) {
			form := dealForm(d, d.Version(), nil) // the form holds the deal's expected close
			if expectedClose != "" {
				form.Set("expected_close", expectedClose) // as the rep typed it
			}
			form.Set("stage", string(to))
			form.Set("closed_on", closedOn)
			res := a.postHTMX(dealPath(d)+"/stage", form)
			return res.status, pageRefusal(res)
		}},
		{"a page move alone, without the deal form's inputs", func(a *instance, d *deal.Deal, to deal.Stage, expectedClose, closedOn string) (int, string) {
			if expectedClose != "" {
				// A move alone carries no field: the date is saved first, as
				// a rep's save would.
				f := d.Fields()
				f.ExpectedClose = mustDate(a.t, expectedClose)
				saved, err := a.deals.Update(context.Background(), "ann", d, f)
				require.NoError(a.t, err)
				d = saved
			}
			res := a.postHTMX(dealPath(d)+"/stage", url.Values{"version": {fmt.Sprint(d.Version())}, "stage": {string(to)}, "closed_on": {closedOn}})
			return res.status, pageRefusal(res)
		}},
		{"the deal board's drop (and its dialog's date)", func(a *instance, d *deal.Deal, to deal.Stage, expectedClose, closedOn string) (int, string) {
			path, form := boardMove("deal", d.ID(), d.Version(), "stage", string(to))
			form.Set("expected_close", expectedClose)
			form.Set("closed_on", closedOn)
			res := a.postHTMX(path, form)
			if m := cardError.FindStringSubmatch(res.body); m != nil {
				return res.status, html.UnescapeString(m[1])
			}
			return res.status, ""
		}},
		{"the API's POST /api/v1/deals/{id}/stage", func(a *instance, d *deal.Deal, to deal.Stage, expectedClose, closedOn string) (int, string) {
			body := map[string]string{"stage": string(to)}
			if expectedClose != "" {
				body["expected_close"] = expectedClose
			}
			if closedOn != "" {
				body["closed_on"] = closedOn
			}
			raw, err := json.Marshal(body)
			require.NoError(a.t, err)
			res := a.apiCall(http.MethodPost, fmt.Sprintf("/api/v1/deals/%d/stage", d.ID()), token, string(raw),
				map[string]string{"If-Match": fmt.Sprintf(`"%d"`, d.Version())})
			if res.status == http.StatusOK {
				return res.status, ""
			}
			var problem struct {
				Errors []struct{ Message string } `json:"errors"`
			}
			require.NoError(a.t, json.Unmarshal([]byte(res.body), &problem), res.body)
			require.NotEmpty(a.t, problem.Errors, res.body)
			return res.status, problem.Errors[0].Message
		}},
	}
}

func mustDate(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate("date", "Date", s)
	require.NoError(t, err)
	return d
}

// dealAt returns a new deal moved, through the use case, to stage st
// (through Qualification → Lost for a lost one).
func (a *instance) dealAt(st deal.Stage) *deal.Deal {
	a.t.Helper()
	d := a.seedDeal(engines)
	day := mustDate(a.t, "2026-11-30")
	var err error
	if st != deal.StageQualification {
		d, err = a.deals.MoveAt(context.Background(), "seed", d, st, deal.Gate{ExpectedClose: day, ClosedOn: day})
		require.NoError(a.t, err)
	}
	return d
}

// TestDealStagePaths proves that every path that writes a deal's stage
// refuses the same illegal moves with the same message, changing nothing,
// and lets the same legal ones through.
func TestDealStagePaths(t *testing.T) {
	t.Parallel()
	refusals := []struct {
		name                    string
		from, to                deal.Stage
		expectedClose, closedOn string
		message                 string
	}{
		{"Won to Qualification", deal.StageWon, deal.StageQualification, "", "2026-11-30", "Cannot move from WON to QUALIFICATION. A won deal stays won."},
		{"Lost to Proposal", deal.StageLost, deal.StageProposal, "", "2026-11-30", "Cannot move from LOST to PROPOSAL."},
		{"to Negotiation without an expected close", deal.StageQualification, deal.StageNegotiation, "", "2026-11-30", "Set the expected close date to move the deal to Negotiation."},
		{"to Won without a close date", deal.StageProposal, deal.StageWon, "", "", "Set the closed-on date to mark the deal Won."},
	}
	legal := []struct {
		name                    string
		from, to                deal.Stage
		expectedClose, closedOn string
	}{
		{"Qualification to Proposal", deal.StageQualification, deal.StageProposal, "", "2026-11-30"},
		{"Proposal to Negotiation with an expected close", deal.StageProposal, deal.StageNegotiation, "2027-01-15", "2026-11-30"},
		{"Negotiation to Won on a day", deal.StageNegotiation, deal.StageWon, "", "2026-11-29"},
		{"Negotiation back to Qualification", deal.StageNegotiation, deal.StageQualification, "", "2026-11-30"},
		{"Lost reopened to Qualification", deal.StageLost, deal.StageQualification, "", "2026-11-30"},
	}
	a := newApp(t)
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	for _, p := range dealStagePaths(token) {
		for _, r := range refusals {
			t.Run(p.name+" refuses "+r.name, func(t *testing.T) {
				d := a.dealAt(r.from)
				status, message := p.move(a, d, r.to, r.expectedClose, r.closedOn)
				assert.Equal(t, http.StatusUnprocessableEntity, status)
				assert.Equal(t, r.message, message)
				stored := a.deal(d.ID())
				assert.Equal(t, r.from, stored.Stage(), "nothing moved")
				assert.Equal(t, d.Version(), stored.Version(), "nothing written")
			})
		}
		for _, l := range legal {
			t.Run(p.name+" allows "+l.name, func(t *testing.T) {
				d := a.dealAt(l.from)
				status, message := p.move(a, d, l.to, l.expectedClose, l.closedOn)
				require.Equal(t, http.StatusOK, status, message)
				stored := a.deal(d.ID())
				assert.Equal(t, l.to, stored.Stage())
				if l.expectedClose != "" {
					assert.Equal(t, l.expectedClose, stored.Fields().ExpectedClose.String())
				}
				if l.to == deal.StageWon {
					assert.Equal(t, l.closedOn, stored.ClosedOn().String())
				}
				if l.to.Open() {
					assert.True(t, stored.ClosedOn().IsZero(), "an open deal has not closed")
				}
			})
		}
	}

	t.Run("the API's PATCH does not write the stage", func(t *testing.T) {
		d := a.dealAt(deal.StageProposal)
		res := a.apiCall(http.MethodPatch, fmt.Sprintf("/api/v1/deals/%d", d.ID()), token, `{"stage":"WON"}`,
			map[string]string{"If-Match": fmt.Sprintf(`"%d"`, d.Version())})
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		assert.Contains(t, res.body, "/deals/{id}/stage", "the problem says where stages are written")
		assert.Equal(t, deal.StageProposal, a.deal(d.ID()).Stage())
	})
	t.Run("deals have no bulk change or import to bypass the move", func(t *testing.T) {
		for _, path := range []string{"/deals/bulk", "/deals/import", "/api/v1/deals/bulk"} {
			res := a.post(path, url.Values{"stage": {"WON"}})
			assert.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, res.status, path)
		}
	})
	t.Run("a conversion makes a deal in Qualification", func(t *testing.T) {
		l := a.qualifiedLead(85)
		res := a.post(convertPath(l), convertForm(3, nil))
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		assert.Equal(t, deal.StageQualification, a.deal(redirectedDeal(t, res.header.Get("Location"))).Stage())
	})
}
