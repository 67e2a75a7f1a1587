package functional

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// leadStatusPath is one way a lead's status is written. move posts a move
// of l (as read) to status to and returns whether it was made and the
// refusal's message, "" when it was made.
type leadStatusPath struct {
	name string
	move func(a *instance, l *lead.Lead, to lead.Status) (moved bool, message string)
}

// leadStatusPaths are every path that writes a lead's status: the lead's
// page, the lead board, the bulk change of the list and of the API, and
// the API's own move. The import cannot write a status (a column mapped
// to it is refused, as usecase/imports' mapping tests check), a
// conversion is the only way to Converted and goes through the same
// domain move, and the API's PATCH refuses the status. token is an API
// token.
func leadStatusPaths(token string) []leadStatusPath {
	problem := func(a *instance, res response) (bool, string) {
		if res.status == http.StatusOK {
			return true, ""
		}
		require.Equal(a.t, http.StatusUnprocessableEntity, res.status, res.body)
		var p struct {
			Errors []struct{ Message string } `json:"errors"`
		}
		require.NoError(a.t, json.Unmarshal([]byte(res.body), &p), res.body)
		require.NotEmpty(a.t, p.Errors, res.body)
		return false, p.Errors[0].Message
	}
	return []leadStatusPath{
		{"the lead page's Move-to button", func(a *instance, l *lead.Lead, to lead.Status) (bool, string) {
			res := a.postHTMX(leadPath(l)+"/status", url.Values{"version": {fmt.Sprint(l.Version())}, "status": {string(to)}})
			if res.status == http.StatusOK {
				return true, ""
			}
			require.Equal(a.t, http.StatusUnprocessableEntity, res.status, res.body)
			return false, pageRefusal(res)
		}},
		{"the lead board's drop", func(a *instance, l *lead.Lead, to lead.Status) (bool, string) {
			res := a.postHTMX(boardMove("lead", l.ID(), l.Version(), "status", string(to)))
			if res.status == http.StatusOK {
				return true, ""
			}
			require.Equal(a.t, http.StatusUnprocessableEntity, res.status, res.body)
			m := cardError.FindStringSubmatch(res.body)
			require.NotNil(a.t, m, res.body)
			return false, html.UnescapeString(m[1])
		}},
		{"the list's bulk change", func(a *instance, l *lead.Lead, to lead.Status) (bool, string) {
			res := a.postHTMX("/leads/bulk", url.Values{"view": {""}, "lead": {checked(l)}, "status": {string(to)}})
			require.Equal(a.t, http.StatusOK, res.status, res.body)
			if outcomes(a.t, res.body)[fmt.Sprint(l.ID())] == "changed" {
				return true, ""
			}
			// The report names each lead before what happened to it.
			said := strings.TrimPrefix(outcomeText(a.t, res.body, l), l.Fields().Name+": ")
			return false, strings.TrimSuffix(said, " Nothing written.")
		}},
		{"the API's POST /api/v1/leads/{id}/status", func(a *instance, l *lead.Lead, to lead.Status) (bool, string) {
			return problem(a, a.apiCall(http.MethodPost, fmt.Sprintf("/api/v1/leads/%d/status", l.ID()), token,
				fmt.Sprintf(`{"status": %q}`, to), map[string]string{"If-Match": fmt.Sprintf(`"%d"`, l.Version())}))
		}},
		{"the API's bulk change", func(a *instance, l *lead.Lead, to lead.Status) (bool, string) {
			res := a.apiCall(http.MethodPost, "/api/v1/leads/bulk", token,
				fmt.Sprintf(`{"ids": [{"id": %d, "version": %d}], "change": {"status": %q}}`, l.ID(), l.Version(), to), nil)
			require.Equal(a.t, http.StatusOK, res.status, res.body)
			var report struct {
				Outcomes []struct{ Outcome, Message string } `json:"outcomes"`
			}
			require.NoError(a.t, json.Unmarshal([]byte(res.body), &report), res.body)
			require.Len(a.t, report.Outcomes, 1, res.body)
			if report.Outcomes[0].Outcome == "changed" {
				return true, ""
			}
			return false, report.Outcomes[0].Message
		}},
	}
}

// TestLeadStatusPaths proves that every path that writes a lead's status
// refuses the same illegal moves with the same message, writing nothing,
// and makes the same legal ones.
func TestLeadStatusPaths(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	// at returns a new lead moved, through the use case, along path.
	at := func(score int, path ...lead.Status) *lead.Lead {
		return moveLeadTo(t, a, a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: score}), path...)
	}
	qualified := []lead.Status{lead.StatusContacted, lead.StatusQualified}
	refusals := []struct {
		name    string
		lead    func() *lead.Lead
		to      lead.Status
		message string
	}{
		{"New to Qualified, skipping Contacted", func() *lead.Lead { return at(90) }, lead.StatusQualified,
			"Cannot move from NEW to QUALIFIED."},
		{"Lost to Contacted", func() *lead.Lead { return at(90, lead.StatusLost) }, lead.StatusContacted,
			"Cannot move from LOST to CONTACTED."},
		{"Qualified to Converted without the conversion", func() *lead.Lead { return at(90, qualified...) }, lead.StatusConverted,
			"A lead is converted from its Convert page, which creates the contact and the deal in the same step."},
	}
	legal := []struct {
		name string
		lead func() *lead.Lead
		to   lead.Status
	}{
		{"New to Contacted", func() *lead.Lead { return at(50) }, lead.StatusContacted},
		{"Qualified back to Contacted", func() *lead.Lead { return at(90, qualified...) }, lead.StatusContacted},
		{"Lost reopened to New", func() *lead.Lead { return at(50, lead.StatusLost) }, lead.StatusNew},
	}
	for _, p := range leadStatusPaths(token) {
		for _, r := range refusals {
			t.Run(p.name+" refuses "+r.name, func(t *testing.T) {
				l := r.lead()
				moved, message := p.move(a, l, r.to)
				assert.False(t, moved)
				assert.Equal(t, r.message, message)
				stored := a.lead(l.ID())
				assert.Equal(t, l.Status(), stored.Status(), "nothing moved")
				assert.Equal(t, l.Version(), stored.Version(), "nothing written")
			})
		}
		for _, g := range legal {
			t.Run(p.name+" makes "+g.name, func(t *testing.T) {
				l := g.lead()
				moved, message := p.move(a, l, g.to)
				require.True(t, moved, message)
				stored := a.lead(l.ID())
				assert.Equal(t, g.to, stored.Status())
				assert.Equal(t, l.Version()+1, stored.Version())
			})
		}
	}

	t.Run("the API's PATCH does not write the status", func(t *testing.T) {
		l := at(50)
		res := a.apiCall(http.MethodPatch, fmt.Sprintf("/api/v1/leads/%d", l.ID()), token, `{"status":"CONTACTED"}`,
			map[string]string{"If-Match": fmt.Sprintf(`"%d"`, l.Version())})
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		assert.Contains(t, res.body, "/leads/{id}/status", "the problem says where statuses are written")
		assert.Equal(t, lead.StatusNew, a.lead(l.ID()).Status())
	})
}
