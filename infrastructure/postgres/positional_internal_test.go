package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
)

func TestRewriteNamesEachPositionalArgumentOnce(t *testing.T) {
	p := rewrite(`SELECT @b, @a, @b, '@quoted'`, pgx.NamedArgs{"a": 1, "b": 2})

	assert.Equal(t, `SELECT $1, $2, $1, '@quoted'`, p.sql)
	assert.Equal(t, []string{"b", "a"}, p.names)
	assert.Equal(t, []any{"two", "one"}, p.values(pgx.NamedArgs{"a": "one", "b": "two"}), "later values, in that order")
}
