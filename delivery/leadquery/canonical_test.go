package leadquery_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/leadquery"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"":                                "",
		"status=NEW&sort=score":           "sort=score&status=NEW",
		"?sort=score&status=NEW":          "sort=score&status=NEW",
		"/leads?status=NEW":               "status=NEW",
		" sort=created&dir=desc&q=&foo=1": "",
		"q=%20garcia%20&after=12":         "q=garcia",
		"created_from=2026-03-29&created_to=2026-03-29": "created_from=2026-03-29&created_to=2026-03-29",
	} {
		got, err := leadquery.Canonical(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, "%q", raw)
	}
}

func TestCanonical_refusesWhatTheListRefusesInItsWords(t *testing.T) {
	t.Parallel()
	_, err := leadquery.Canonical("status=WON&score_min=101")
	problems, ok := leadquery.IsProblems(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, `"WON" is not a status. The lowest score must be a whole number from 0 to 100.`, problems.Error())

	_, err = leadquery.Canonical("status=%zz")
	assert.EqualError(t, err, "The view's address cannot be read: write it as the list's address has it, such as status=NEW&sort=score.")
}

// A saved view's days are the days a rep in any zone opens it on: the
// canonical text is the one the list writes for that rep.
func TestCanonical_keepsDaysTheSameInEveryZone(t *testing.T) {
	t.Parallel()
	saved, err := leadquery.Canonical("created_from=2026-03-29&updated_to=2026-10-25")
	require.NoError(t, err)
	for _, zone := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		v, err := url.ParseQuery(saved)
		require.NoError(t, err)
		q, err := leadquery.Parse(v, loc, 0)
		require.NoError(t, err)
		assert.Equal(t, saved, leadquery.Encode(q, loc).Encode(), zone)
	}
}
