package user_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/user"
)

func TestParseTimeZone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Europe/Lisbon", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "UTC", " Pacific/Chatham "} {
		z, err := user.ParseTimeZone(name)
		require.NoError(t, err, name)
		assert.Equal(t, strings.TrimSpace(name), z.Location().String(), "%q is where it says", name)
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "europe/lisbon",
		strings.Repeat("A", user.MaxTimeZoneLen+1)} {
		_, err := user.ParseTimeZone(name)
		var invalid *domain.ValidationError
		require.True(t, errors.As(err, &invalid), "%q is refused", name)
		assert.Equal(t, user.FieldTimeZone, invalid.Fields[0].Field)
	}
}

func TestTimeZone_Location(t *testing.T) {
	t.Parallel()
	assert.Equal(t, time.UTC, user.TimeZone("").Location(), "not reported yet: UTC")
	assert.Equal(t, time.UTC, user.TimeZone("Nowhere/Special").Location(), "a zone this server does not know: UTC")
	assert.Equal(t, time.UTC, user.TimeZone("Local").Location(), "never the server's own")
	tokyo := user.TimeZone("Asia/Tokyo").Location()
	assert.Equal(t, "Asia/Tokyo", tokyo.String())
	assert.Same(t, tokyo, user.TimeZone("Asia/Tokyo").Location(), "loaded once")
	at := time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)
	assert.Equal(t, "00:00 JST", at.In(tokyo).Format("15:04 MST"))
}
