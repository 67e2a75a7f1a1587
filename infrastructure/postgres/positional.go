package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
)

// positional is a statement with named arguments (@name) rewritten once
// to positional ones ($1, $2...). pgx.NamedArgs scans a statement's text
// on every call: for the save statement (see withEvents) that was 6 % of
// the CPU of an API save.
type positional struct {
	sql   string
	names []string // the name of $1, $2...
}

// saveStatements holds the save statement of each write, rewritten.
var saveStatements sync.Map // write (as a table gives it) → positional

// saveStatement is withEvents(write), rewritten once for the names of
// args; every later call of the same write must name the same arguments,
// as a table's args and eventArgs do.
func saveStatement(write string, args pgx.NamedArgs) positional {
	if p, ok := saveStatements.Load(write); ok {
		return p.(positional)
	}
	p := rewrite(withEvents(write), args)
	saveStatements.Store(write, p)
	return p
}

// rewrite has pgx rewrite sql once with each argument's own name as its
// value, which gives the name of each positional argument in order.
func rewrite(sql string, args pgx.NamedArgs) positional {
	markers := make(pgx.NamedArgs, len(args))
	for name := range args {
		markers[name] = name
	}
	// NamedArgs.RewriteQuery neither uses the connection nor fails.
	rewritten, order, _ := markers.RewriteQuery(context.Background(), nil, sql, nil)
	p := positional{sql: rewritten, names: make([]string, len(order))}
	for i, name := range order {
		p.names[i], _ = name.(string)
	}
	return p
}

// values are args in the order of p's positional arguments.
func (p positional) values(args pgx.NamedArgs) []any {
	out := make([]any, len(p.names))
	for i, name := range p.names {
		out[i] = args[name]
	}
	return out
}
