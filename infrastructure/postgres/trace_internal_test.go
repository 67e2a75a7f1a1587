package postgres

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStatementName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`UPDATE leads SET name = $2 WHERE id = $1 AND version = $3 RETURNING *`:   "UPDATE leads",
		"\n\tINSERT INTO activity (aggregate_kind, aggregate_id) VALUES ($1, $2)": "INSERT INTO activity",
		`delete from sessions where expiry < now()`:                               "DELETE FROM sessions",
		`SELECT id, name FROM contacts WHERE id = ANY($1)`:                        "SELECT FROM contacts",
		`SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`:              "SELECT FROM pg_database",
		`SELECT pg_sleep($1)`: "SELECT pg_sleep",
		`SELECT pg_advisory_xact_lock(hashtextextended('sign-in:' || $1, 0))`:                   "SELECT pg_advisory_xact_lock",
		`WITH saved AS (UPDATE deals SET stage = @stage RETURNING *) SELECT saved.* FROM saved`: "WITH UPDATE deals",
		`WITH t AS (SELECT id FROM api_tokens) UPDATE api_tokens SET x = 1 FROM t`:              "WITH SELECT FROM api_tokens",
		`SELECT 'FROM alice' AS who -- FROM bob` + "\n" + `/* FROM carol */ FROM users`:         "SELECT FROM users",
		`commit`:                               "COMMIT",
		`begin isolation level read committed`: "BEGIN",
		`LISTEN crm_saved`:                     "LISTEN",
		`SELECT 1`:                             "SELECT",
		`  `:                                   "(empty)",
		`SELECT 'unterminated`:                 "SELECT",
		`SELECT * FROM ` + "a_table_whose_name_goes_on_and_on_and_on_far_past_what_postgres_allows": "SELECT FROM a_table_whose_name_goes_on_and_on_and_on_far_past_what_postgres",
	}
	for sql, want := range cases {
		assert.Equal(t, want, statementName(sql), sql)
	}
}
