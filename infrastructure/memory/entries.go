package memory

import (
	"cmp"
	"context"
	"slices"

	"crm/domain/entry"
	"crm/usecase/entries"
)

var _ entries.Repository = (*Entries)(nil)

// Entries keeps entries, with the timeline of entries.Repository.
type Entries struct {
	*Store[*entry.Entry, entry.Snapshot]
}

// OfRecord returns at most limit live entries of rec, newest first by when
// they happened, then id, after entry after (0 for the newest).
func (r *Entries) OfRecord(ctx context.Context, rec entry.Ref, after int64, limit int) ([]*entry.Entry, error) {
	var cursor *entry.Entry
	if after > 0 {
		c, err := r.Get(ctx, after)
		if err != nil {
			return []*entry.Entry{}, nil // a purged cursor: nothing after it, as in PostgreSQL
		}
		cursor = c
	}
	out := slices.DeleteFunc(r.all(), func(e *entry.Entry) bool {
		if e.RecordRef() != rec {
			return true
		}
		if cursor == nil {
			return false
		}
		c := e.OccurredAt().Compare(cursor.OccurredAt())
		return c > 0 || (c == 0 && e.ID() >= cursor.ID())
	})
	slices.SortFunc(out, func(a, b *entry.Entry) int {
		return cmp.Or(b.OccurredAt().Compare(a.OccurredAt()), cmp.Compare(b.ID(), a.ID()))
	})
	return out[:min(limit, len(out))], nil
}
