package leads

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/conflict"
	"crm/usecase/record"
)

// MaxBulk bounds the leads one bulk change writes: a change is refused
// whole, before any write, when it would take more.
const MaxBulk = 10_000

// Fields of a bulk change, as its validation errors name them.
const (
	BulkFieldLeads  = "ids"
	BulkFieldChange = "change"
)

// Seen is a lead a rep picked for a bulk change, at the version they saw.
type Seen struct{ ID, Version int64 }

// Change is the one change a bulk change makes to each lead: a status
// move, a new source or a new owner.
type Change struct {
	Status lead.Status // "" when the change is a field's
	Source *string     // nil unless the change is the source; "" clears it
	Owner  *int64      // nil unless the change is the owner: a user's id, 0 for nobody
}

// Field is the field the change writes.
func (c Change) Field() string {
	switch {
	case c.Source != nil:
		return lead.FieldSource
	case c.Owner != nil:
		return lead.FieldOwner
	}
	return lead.FieldStatus
}

// Value is the value the change writes, as stored: for a field, its text
// (lead.Fields.Get; the owner's id).
func (c Change) Value() string {
	var f lead.Fields
	switch {
	case c.Source != nil:
		f.Source = *c.Source
	case c.Owner != nil:
		f.Owner = *c.Owner
	default:
		return string(c.Status)
	}
	return f.Get(c.Field())
}

// isField reports whether c changes one of the fields a save writes,
// rather than moving the lead.
func (c Change) isField() bool { return c.Source != nil || c.Owner != nil }

// apply returns f with the change's field set.
func (c Change) apply(f lead.Fields) lead.Fields {
	switch {
	case c.Source != nil:
		f.Source = *c.Source
	case c.Owner != nil:
		f.Owner = *c.Owner
	}
	return f
}

// Bulk is one change a rep makes to many leads at once: to those they
// picked (Leads, each at the version they saw), to every lead of a view
// (View), or to both.
type Bulk struct {
	By    string
	Leads []Seen
	// View, when not nil, adds every lead matching it (its page cursor is
	// ignored), each at the version read when the view is listed, before
	// the first write; a picked lead keeps the version its rep saw.
	View   *ListQuery
	Change Change
	// Each bounds the reads and writes of each lead, and of each page of
	// the view: a database out of reach stops the change then, rather than
	// when its whole budget (ctx's) runs out. 0 for no bound but ctx's.
	Each time.Duration
}

// BulkResult is what a bulk change did to one lead.
type BulkResult string

// The results of a bulk change on one lead.
const (
	// BulkChanged: written on the version the rep saw.
	BulkChanged BulkResult = "changed"
	// BulkMerged: written on a newer version, someone else having saved other
	// fields since; their changes are kept.
	BulkMerged BulkResult = "merged"
	// BulkUnchanged: the lead already had the value; nothing written.
	BulkUnchanged BulkResult = "unchanged"
	// BulkConflict: someone changed the same field, or moved the lead, since
	// the rep's version; nothing written, the rep decides on its page.
	BulkConflict BulkResult = "conflict"
	// BulkRefused: a rule forbids the change for this lead; nothing written.
	BulkRefused BulkResult = "refused"
	// BulkGone: the lead was deleted, or never existed; nothing written.
	BulkGone BulkResult = "gone"
)

// BulkResults lists every result, in the order a report tells them:
// what needs the rep first.
var BulkResults = []BulkResult{BulkConflict, BulkRefused, BulkGone, BulkMerged, BulkChanged, BulkUnchanged}

// BulkOutcome is what a bulk change did to one lead.
type BulkOutcome struct {
	ID     int64
	Name   string // as last read; "" for a lead that does not exist
	Seen   int64  // the version the change started from
	Result BulkResult
	// Version is the lead's version after the change: the one written, or
	// the one met for a conflict or an unchanged lead.
	Version int64
	// By is who saved the version merged with; who last changed the field
	// since the rep's version, for a conflict or an unchanged lead; or who
	// deleted a gone lead (At is when).
	By string
	At time.Time
	// Fields are, for a merge, the fields others changed and the merge
	// kept; for a conflict, the fields both changed (the status for a move).
	Fields []string
	// Now is the changed field's value in the version met by a conflict
	// or an unchanged lead, as stored ("CONTACTED").
	Now string
	// Message is the rule's reason for a refusal, written for the rep.
	Message string
}

// BulkReport is what a bulk change did, lead by lead, in the order the
// leads were given, then the view's.
type BulkReport struct {
	Change   Change
	Outcomes []BulkOutcome
	// Stopped, when the change stopped before its end (the database out of
	// reach), is the lead it was writing: whether that write landed is
	// unknown. Untouched counts the leads after it, none of them written.
	Stopped   *Seen
	Untouched int
}

// Count is how many leads had result r.
func (b BulkReport) Count(r BulkResult) int {
	n := 0
	for _, o := range b.Outcomes {
		if o.Result == r {
			n++
		}
	}
	return n
}

// Bulk makes one change to many leads. Each lead is its own
// compare-and-swap through Save or Move at the version its rep saw, with
// the state machine and every rule checked: it merges with saves of other
// fields made since, and is a conflict when someone changed the same
// field or moved the lead; one lead's refusal never stops the others, and
// no lead is half changed. A change that is not valid, or that would
// write more than MaxBulk leads, is refused before any write with a
// *domain.ValidationError or a *domain.RuleError. When the database stops
// answering part way, it returns what it did so far with the error.
func (s *Service) Bulk(ctx context.Context, b Bulk) (BulkReport, error) {
	change, err := checkChange(b.Change)
	if err != nil {
		return BulkReport{}, err
	}
	res := BulkReport{Change: change}
	rows, err := s.bulkRows(ctx, b)
	if err != nil {
		return res, err
	}
	for i, row := range rows {
		rowCtx, cancel := b.bounded(ctx)
		o, err := s.bulkOne(rowCtx, b.By, row, change)
		cancel()
		if err != nil {
			res.Stopped, res.Untouched = &row, len(rows)-i-1
			return res, fmt.Errorf("bulk change of leads, stopped at lead %d after %d: %w", row.ID, i, err)
		}
		res.Outcomes = append(res.Outcomes, o)
	}
	return res, nil
}

// bounded is ctx bounded by b.Each.
func (b Bulk) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if b.Each <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, b.Each)
}

// checkChange validates a change, returning it as it is stored.
func checkChange(c Change) (Change, error) {
	var invalid domain.ValidationError
	given := 0
	for _, set := range []bool{c.Status != "", c.Source != nil, c.Owner != nil} {
		if set {
			given++
		}
	}
	switch {
	case given > 1:
		invalid.Add(BulkFieldChange, "Choose one change: a status, a source or an owner, not more.")
	case c.Owner != nil:
		domain.CheckOwner(&invalid, lead.FieldOwner, *c.Owner)
	case c.Source != nil:
		src := lead.Fields{Source: *c.Source}.Normalize().Source
		domain.CheckText(&invalid, lead.FieldSource, "Source", src, lead.MaxTextLen)
		c.Source = &src
	case c.Status != "":
		if _, err := lead.ParseStatus(string(c.Status)); err != nil {
			return c, err
		}
	default:
		invalid.Add(BulkFieldChange, "Choose a change: a status to move to, a source or an owner to set.")
	}
	return c, invalid.Err()
}

// bulkRows lists the leads b writes, each at the version seen: those
// picked, then the view's others. It refuses more than MaxBulk, reading
// no more of the view than it takes to tell. It keeps ids and versions
// only: 10,000 leads with long notes would hold hundreds of megabytes.
func (s *Service) bulkRows(ctx context.Context, b Bulk) ([]Seen, error) {
	picked := make(map[int64]bool, len(b.Leads))
	rows := make([]Seen, 0, len(b.Leads))
	for _, l := range b.Leads {
		var invalid domain.ValidationError
		switch {
		case l.ID < 1 || l.Version < 1:
			invalid.Add(BulkFieldLeads, fmt.Sprintf("Lead %d at version %d does not name a lead as saved: ids and versions start at 1.", l.ID, l.Version))
		case picked[l.ID]:
			invalid.Add(BulkFieldLeads, fmt.Sprintf("Lead %d is listed more than once.", l.ID))
		}
		if err := invalid.Err(); err != nil {
			return nil, err
		}
		picked[l.ID] = true
		rows = append(rows, l)
	}
	tooMany := &domain.RuleError{Message: fmt.Sprintf(
		"A bulk change writes at most %d,%03d leads, and this one has more: narrow the view (a status, a source, a search) or pick fewer. Nothing was changed.",
		MaxBulk/1000, MaxBulk%1000)}
	if len(rows) > MaxBulk {
		return nil, tooMany
	}
	if b.View == nil {
		if len(rows) == 0 {
			return nil, &domain.ValidationError{Fields: []domain.FieldError{{Field: BulkFieldLeads, Message: "Pick at least one lead."}}}
		}
		return rows, nil
	}
	q := *b.View
	q.Paging = record.Paging{Limit: record.MaxPageSize}
	for {
		pageCtx, cancel := b.bounded(ctx)
		page, err := s.List(pageCtx, q)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("bulk change: %w", err)
		}
		for _, l := range page.Items {
			if picked[l.ID()] {
				continue
			}
			if len(rows) == MaxBulk {
				return nil, tooMany
			}
			rows = append(rows, Seen{ID: l.ID(), Version: l.Version()})
		}
		if page.Next == 0 {
			return rows, nil
		}
		q.After, q.AfterKey = page.Next, page.NextKey
	}
}

// bulkOne makes the change to one lead. Its error is one that stops the
// whole change (the database out of reach); every other end is a BulkOutcome.
func (s *Service) bulkOne(ctx context.Context, by string, row Seen, c Change) (BulkOutcome, error) {
	o := BulkOutcome{ID: row.ID, Seen: row.Version}
	current, err := s.Get(ctx, row.ID)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		o.Result = BulkGone
		return o, nil
	case err != nil:
		return o, err
	}
	o.Name, o.Version = current.Fields().Name, current.Version()
	var deleted *domain.DeletedError
	if errors.As(current.Live(), &deleted) {
		o.Result, o.By, o.At = BulkGone, deleted.By, deleted.At
		return o, nil
	}
	var saved record.Saved[*lead.Lead]
	switch {
	case has(current, c):
		// Already there, whoever put it there: nothing to write.
		o.Result, o.Now = BulkUnchanged, c.Value()
	case c.isField():
		if saved, err = s.bulkField(ctx, by, row, current, c, &o); o.Result == "" {
			o, err = s.bulkOutcome(o, c, saved, err)
		}
	default:
		saved, err = s.Move(ctx, by, row.ID, row.Version, c.Status)
		o, err = s.bulkOutcome(o, c, saved, err)
	}
	if err == nil && (o.Result == BulkConflict || o.Result == BulkUnchanged) && o.Version != row.Version {
		o.By, err = s.changedBy(ctx, row, o.Version, c)
	}
	return o, err
}

// changedBy is who last changed the field c writes between the version
// row was seen at and version now: who the rep's change met. "" when
// nobody did, or those versions cannot be read (never saved).
func (s *Service) changedBy(ctx context.Context, row Seen, now int64, c Change) (string, error) {
	versions, err := s.repo.Versions(ctx, row.ID, row.Version, now)
	if err != nil {
		return "", fmt.Errorf("read lead %d from version %d: %w", row.ID, row.Version, err)
	}
	for i := len(versions) - 1; i > 0; i-- {
		if value(versions[i], c) != value(versions[i-1], c) {
			return versions[i].UpdatedBy(), nil
		}
	}
	return "", nil
}

// bulkField saves the field c changes for one lead (its source or its
// owner): the fields as the rep saw them, at their version, with that
// field changed, so that Save merges with whatever else was saved since.
// A lead whose field already had c's value when the rep saw it, and was
// changed since, is a conflict decided here: Save would see no change of
// the rep's to make.
func (s *Service) bulkField(ctx context.Context, by string, row Seen, current *lead.Lead, c Change, o *BulkOutcome) (record.Saved[*lead.Lead], error) {
	base := current
	if current.Version() != row.Version {
		var err error
		base, err = s.repo.Version(ctx, row.ID, row.Version)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			// A version never saved: whatever differs from it is the
			// rep's call, as Save decides.
			base = current
		case err != nil:
			return record.Saved[*lead.Lead]{}, fmt.Errorf("read lead %d at version %d: %w", row.ID, row.Version, err)
		}
	}
	if base.Fields().Get(c.Field()) == c.Value() && base != current {
		o.Result, o.Fields, o.Now = BulkConflict, []string{c.Field()}, value(current, c)
		return record.Saved[*lead.Lead]{}, nil
	}
	return s.Save(ctx, by, row.ID, row.Version, c.apply(base.Fields()))
}

// bulkOutcome reads the end of one lead's Save or Move into o.
func (s *Service) bulkOutcome(o BulkOutcome, c Change, saved record.Saved[*lead.Lead], err error) (BulkOutcome, error) {
	var (
		lost    *conflict.Error[*lead.Lead, lead.Fields]
		deleted *domain.DeletedError
		invalid *domain.ValidationError
		rule    *domain.RuleError
	)
	switch {
	case err == nil:
		l := saved.Record
		o.Name, o.Version = l.Fields().Name, l.Version()
		switch m := saved.Merge; {
		case m != nil && slices.Contains(m.Applied, c.Field()):
			o.Result, o.By, o.Fields = BulkMerged, m.By, m.Kept
		case m == nil && len(saved.Events) > 0:
			o.Result = BulkChanged
		default:
			// Others had set the same value since, or the rep's own
			// change was sent twice: nothing was written.
			o.Result, o.Now = BulkUnchanged, value(l, c)
		}
	case errors.As(err, &lost):
		cur := lost.Current
		o.Result, o.Name, o.Version, o.Now = BulkConflict, cur.Fields().Name, cur.Version(), value(cur, c)
		o.Fields = lost.Compare.Conflicts
		if lost.Yours == nil {
			o.Fields = []string{lead.FieldStatus}
		}
	case errors.As(err, &deleted):
		o.Result, o.By, o.At = BulkGone, deleted.By, deleted.At
	case errors.Is(err, domain.ErrNotFound):
		o.Result = BulkGone
	case errors.As(err, &rule):
		o.Result, o.Message = BulkRefused, rule.Message
	case errors.As(err, &invalid):
		msgs := make([]string, len(invalid.Fields))
		for i, f := range invalid.Fields {
			msgs[i] = f.Message
		}
		o.Result, o.Message = BulkRefused, strings.Join(msgs, " ")
	default:
		return o, err
	}
	return o, nil
}

// has reports whether l already has the value c writes.
func has(l *lead.Lead, c Change) bool { return value(l, c) == c.Value() }

// value is l's value of the field c changes, as stored (see Change.Value).
func value(l *lead.Lead, c Change) string {
	if c.isField() {
		return l.Fields().Get(c.Field())
	}
	return string(l.Status())
}
