package app

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSessionCodec_DecodesAsGobDoesAndHandsOutItsOwnCopy(t *testing.T) {
	deadline := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)
	b, err := scs.GobCodec{}.Encode(deadline, map[string]any{"user": int64(7), "kept": "page\nform"})
	require.NoError(t, err)
	c := newSessionCodec()

	for range 2 {
		got, values, err := c.Decode(b)
		require.NoError(t, err)
		assert.True(t, deadline.Equal(got))
		assert.Equal(t, map[string]any{"user": int64(7), "kept": "page\nform"}, values)
		values["user"] = int64(8) // as scs does on a Put
		delete(values, "kept")    // and on a Pop
	}

	_, _, err = c.Decode([]byte("not gob"))
	assert.Error(t, err, "what gob cannot decode is an error, as before")
}
