package postgres

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// SlowQuery is how long a statement may take before LogSlowQueries logs
// it: far longer than any of the app's statements takes on a healthy
// database.
const SlowQuery = 100 * time.Millisecond

// slowQueryLog is a pgx query tracer that logs the statements slower than
// over, by a name drawn from the SQL's keywords and table. Never their
// arguments, which hold what reps typed, nor their SQL, which may too.
type slowQueryLog struct {
	log  *slog.Logger
	over time.Duration
}

type queryStartKey struct{}

// queryStart is what TraceQueryStart hands TraceQueryEnd.
type queryStart struct {
	at  time.Time
	sql string
}

// TraceQueryStart notes when the statement started.
func (t slowQueryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, queryStartKey{}, queryStart{at: time.Now(), sql: data.SQL})
}

// TraceQueryEnd logs the statement if it took longer than t.over.
func (t slowQueryLog) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	start, ok := ctx.Value(queryStartKey{}).(queryStart)
	if !ok {
		return
	}
	took := time.Since(start.at)
	if took < t.over {
		return
	}
	attrs := []any{"statement", statementName(start.sql), "duration", took}
	var pgErr *pgconn.PgError
	switch {
	case errors.As(data.Err, &pgErr):
		// The code only: a message may quote a value (a duplicate key).
		attrs = append(attrs, "sqlstate", pgErr.Code)
	case data.Err != nil:
		attrs = append(attrs, "failed", true)
	default:
		attrs = append(attrs, "rows", data.CommandTag.RowsAffected())
	}
	t.log.WarnContext(ctx, "slow query", attrs...)
}

// maxIdentifier bounds an identifier in a statement's name, as PostgreSQL
// bounds its identifiers (63 bytes).
const maxIdentifier = 63

// statementName names a statement for the log by its command and the
// table it is about: "UPDATE leads", "INSERT INTO activity", "SELECT FROM
// users", "SELECT pg_sleep" (a function called without a FROM), "WITH
// UPDATE leads", "COMMIT". It keeps keywords and identifiers only, read
// outside string literals and comments, so no value reaches the log.
func statementName(sql string) string {
	words := sqlWords(sql)
	if len(words) == 0 {
		return "(empty)"
	}
	command := strings.ToUpper(words[0])
	if command == "WITH" {
		// Named by the first statement of its common table expressions:
		// the save, in a write that records its events in the same
		// statement.
		for i, w := range words[1:] {
			switch strings.ToUpper(w) {
			case "SELECT", "INSERT", "UPDATE", "DELETE":
				return "WITH " + statementName(strings.Join(words[i+1:], " "))
			}
		}
		return command
	}
	if command == "UPDATE" && len(words) > 1 && isIdentifier(words[1]) {
		return command + " " + words[1]
	}
	for i := 1; i+1 < len(words); i++ {
		switch kw := strings.ToUpper(words[i]); kw {
		case "FROM", "INTO":
			if isIdentifier(words[i+1]) {
				return command + " " + kw + " " + words[i+1]
			}
		}
	}
	if command == "SELECT" && len(words) > 2 && isIdentifier(words[1]) && words[2] == "(" {
		return command + " " + words[1]
	}
	return command
}

// sqlWords splits sql into its words (keywords, identifiers, numbers) and
// opening parentheses, leaving out string literals, comments and every
// other character.
func sqlWords(sql string) []string {
	var words []string
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'':
			// A literal; '' inside it reads as two literals, which is the same.
			end := strings.IndexByte(sql[i+1:], '\'')
			if end < 0 {
				return words
			}
			i += end + 2
		case strings.HasPrefix(sql[i:], "--"):
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return words
			}
			i += end + 1
		case strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return words
			}
			i += end + 4
		case c == '(':
			words = append(words, "(")
			i++
		case isWordByte(c):
			j := i
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			words = append(words, sql[i:min(j, i+maxIdentifier)])
			i = j
		default:
			i++
		}
	}
	return words
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isIdentifier reports whether word names something, as a number does not.
func isIdentifier(word string) bool {
	c := word[0]
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
