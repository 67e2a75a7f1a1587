package leadquery_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/leadquery"
	"crm/usecase/record"
)

func TestParse_readsTheOwnerForTheRepAsking(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]record.OwnerFilter{
		"":     {},
		"me":   {Of: record.OwnerMine, ID: 7},
		"none": {Of: record.OwnerNobody},
		"12":   {Of: record.OwnerUser, ID: 12},
	} {
		q, err := leadquery.Parse(url.Values{"owner": {raw}}, time.UTC, 7)
		require.NoError(t, err, raw)
		assert.Equal(t, want, q.Owner, raw)
		assert.Equal(t, raw, leadquery.Encode(q, time.UTC).Get("owner"), "written back as read: %q", raw)
	}
	for _, raw := range []string{"0", "-1", "maria", "1.5"} {
		_, err := leadquery.Parse(url.Values{"owner": {raw}}, time.UTC, 7)
		problems, ok := leadquery.IsProblems(err)
		require.True(t, ok, raw)
		assert.Equal(t, leadquery.Problems{{Param: "owner", Message: leadquery.OwnerProblem}}, problems)
	}
}

func TestCanonical_keepsMineForWhoeverOpensTheView(t *testing.T) {
	t.Parallel()
	got, err := leadquery.Canonical("?sort=score&owner=me")
	require.NoError(t, err)
	assert.Equal(t, "owner=me&sort=score", got)
}
