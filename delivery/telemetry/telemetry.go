// Package telemetry is what the pages and the API share to report on the
// requests they serve: how a write to a record ended, in the one set of
// words the metrics count, and which rep made a request, for its log line.
package telemetry

import (
	"context"
	"errors"

	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// The paths a write to a record comes by.
const (
	Page = "page"
	API  = "api"
	// Bulk is a bulk change's writes, from a page or the API alike: each
	// lead its own write, merged as a page's save is.
	Bulk = "bulk"
)

// How a write to an existing record ended.
const (
	// Saved went through, from the version current when it was made.
	Saved = "saved"
	// Merged went through after merging with the saves made since the
	// rep's version.
	Merged = "merged"
	// Conflict was refused: someone changed what the rep changed, and the
	// rep must choose (the pages' 409 banner).
	Conflict = "conflict"
	// Rule was refused by a validation or a business rule (422).
	Rule = "rule"
	// Stale was an API write from a version no longer current (412, or
	// 409 for a version in the body): the API never merges.
	Stale = "stale"
)

// Outcomes lists, by path, every outcome a write on it can have: the
// series the metrics hold from start-up.
var Outcomes = map[string][]string{
	Page: {Saved, Merged, Conflict, Rule},
	API:  {Saved, Rule, Stale},
	Bulk: {Saved, Merged, Conflict, Rule},
}

// SaveCounter counts the writes to existing records by kind of record,
// path and outcome.
type SaveCounter interface {
	Count(aggregate, path, outcome string)
}

// Outcome is how a write on path ended: err is what it returned, merged
// says it went through only after a merge. ok is false for ends counted
// by their status only (a malformed request, a record missing or deleted,
// a server error). A version conflict is the rep's to resolve on a page and
// a stale version for the API, which names its version in If-Match.
func Outcome(path string, err error, merged bool) (outcome string, ok bool) {
	var (
		invalid *domain.ValidationError
		rule    *domain.RuleError
	)
	switch {
	case err == nil && merged:
		return Merged, true
	case err == nil:
		return Saved, true
	case errors.As(err, &invalid), errors.As(err, &rule):
		return Rule, true
	case domain.IsOptimisticLock(err) && path == API:
		return Stale, true
	case domain.IsOptimisticLock(err):
		// A *conflict.Error holds one.
		return Conflict, true
	}
	return "", false
}

// CountSave counts, in c unless it is nil, a write to a record of kind
// aggregate on path that ended with err (see Outcome).
func CountSave(c SaveCounter, aggregate, path string, err error, merged bool) {
	if c == nil {
		return
	}
	if outcome, ok := Outcome(path, err, merged); ok {
		c.Count(aggregate, path, outcome)
	}
}

// CountBulk counts, in c unless it is nil, each lead's write in the bulk
// change r on path Bulk. Leads that were already so, or gone, were not
// written and are not counted.
func CountBulk(c SaveCounter, r leads.BulkReport) {
	if c == nil {
		return
	}
	for _, o := range r.Outcomes {
		if outcome, ok := bulkOutcomes[o.Result]; ok {
			c.Count(lead.Kind, Bulk, outcome)
		}
	}
}

var bulkOutcomes = map[leads.BulkResult]string{
	leads.BulkChanged: Saved, leads.BulkMerged: Merged, leads.BulkConflict: Conflict, leads.BulkRefused: Rule,
}

type repKey struct{}

// WithRep returns ctx ready to carry the id of the rep a request turns out
// to be made by, found by a handler deep inside (NoteRep) and read by the
// middleware that logs the request once it has been served (Rep).
func WithRep(ctx context.Context) context.Context {
	return context.WithValue(ctx, repKey{}, new(int64))
}

// NoteRep records that the request of ctx is made by rep id; nothing
// happens when ctx was not made by WithRep.
func NoteRep(ctx context.Context, id int64) {
	if p, ok := ctx.Value(repKey{}).(*int64); ok {
		*p = id
	}
}

// Rep returns the id NoteRep recorded, 0 for none.
func Rep(ctx context.Context) int64 {
	if p, ok := ctx.Value(repKey{}).(*int64); ok {
		return *p
	}
	return 0
}
