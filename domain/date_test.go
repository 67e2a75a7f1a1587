package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

func TestDate(t *testing.T) {
	t.Parallel()
	d, err := domain.ParseDate("expected_close", "Expected close", "2026-12-31")
	require.NoError(t, err)
	assert.Equal(t, "2026-12-31", d.String())
	assert.Equal(t, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), d.Time())

	none, err := domain.ParseDate("expected_close", "Expected close", "")
	require.NoError(t, err)
	assert.True(t, none.IsZero())
	assert.Empty(t, none.String())

	for _, bad := range []string{"31/12/2026", "2026-02-30", "tomorrow", " 2026-12-31"} {
		_, err := domain.ParseDate("expected_close", "Expected close", bad)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v, bad)
		assert.Equal(t, "Expected close is a date written like 2026-12-31.", v.For("expected_close"))
	}

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	late := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "2026-11-29", domain.DateOf(late).String())
	assert.Equal(t, "2026-11-30", domain.DateOf(late.In(tokyo)).String(), "the day in the caller's zone")
	assert.Equal(t, domain.DateOf(late), parsed(t, "2026-11-29"), "dates compare with ==")
}

func parsed(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate("f", "F", s)
	require.NoError(t, err)
	return d
}
