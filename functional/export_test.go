package functional

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/leadcsv"
	"crm/domain/lead"
)

// TestExportIsTheViewAsCSVFromThePageAndTheAPI: the list's export link
// carries the view, and /leads.csv and /api/v1/leads.csv answer every lead
// of it (not a page), in its order, formula cells defused; a malformed view
// is a 400 and an unauthenticated one gets nothing.
func TestExportIsTheViewAsCSVFromThePageAndTheAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 120 {
		source := "Website"
		if i%4 == 0 {
			source = "Referral"
		}
		a.seedLead(lead.Fields{Name: fmt.Sprintf("Lead %03d", i), Source: source, Score: i % 100, Phone: "+44 20 7946 0000"})
	}
	a.seedLead(lead.Fields{Name: "=HYPERLINK(\"http://evil\")", Source: "Referral", Score: 99})

	page := a.get("/leads?source=Referral&sort=score")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `href="/leads.csv?sort=score&amp;source=Referral"`, "the export link carries the view")

	read := func(res response) [][]string {
		t.Helper()
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Equal(t, "text/csv; charset=utf-8", res.header.Get("Content-Type"))
		rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
		require.NoError(t, err)
		require.NotEmpty(t, rows)
		assert.Equal(t, leadcsv.Header, rows[0])
		return rows[1:]
	}
	rows := read(a.get("/leads.csv?sort=score&source=Referral"))
	require.Len(t, rows, 31, "every Referral lead, more than a page would hold")
	assert.Equal(t, `'=HYPERLINK("http://evil")`, rows[0][1], "highest score first, its formula defused")
	assert.Equal(t, "'+44 20 7946 0000", rows[1][4])
	for _, r := range rows {
		assert.Equal(t, "Referral", r[5])
	}

	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	all := read(a.apiCall(http.MethodGet, "/api/v1/leads.csv", token, "", nil))
	assert.Len(t, all, 121, "without a filter: every lead")
	assert.Equal(t, `'=HYPERLINK("http://evil")`, all[0][1], "newest first")

	assert.Equal(t, http.StatusBadRequest, a.get("/leads.csv?sort=owner").status)
	assert.Equal(t, http.StatusBadRequest, a.apiCall(http.MethodGet, "/api/v1/leads.csv?score_min=x", token, "", nil).status)
	assert.Equal(t, http.StatusUnauthorized, a.apiCall(http.MethodGet, "/api/v1/leads.csv", "", "", nil).status)
	anon := a.anonymous(http.MethodGet, "/leads.csv", nil)
	assert.NotEqual(t, http.StatusOK, anon.status, "signed out: no leads")
	assert.NotContains(t, anon.body, "Lead 001")
}
