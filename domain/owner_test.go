package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

func TestParseOwner_readsWhatOwnerTextWrites(t *testing.T) {
	t.Parallel()
	for _, id := range []int64{0, 1, 42, 1 << 62} {
		got, err := domain.ParseOwner("owner", domain.OwnerText(id))
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}
}

func TestParseOwner_refusesWhatNamesNoUser(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"farah", "0", "-3", "1.5", "99999999999999999999"} {
		_, err := domain.ParseOwner("owner", s)
		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid, "%q", s)
		assert.Equal(t, "Choose the owner from the list of users, or nobody.", invalid.For("owner"))
	}
}
