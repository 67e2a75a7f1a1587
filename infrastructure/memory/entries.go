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
// they happened, then id, strictly older than after.
func (r *Entries) OfRecord(_ context.Context, rec entry.Ref, after entries.Cursor, limit int) ([]*entry.Entry, error) {
	out := slices.DeleteFunc(r.all(), func(e *entry.Entry) bool {
		if e.RecordRef() != rec {
			return true
		}
		if after.At.IsZero() {
			return false
		}
		c := e.OccurredAt().Compare(after.At)
		return c > 0 || (c == 0 && e.ID() >= after.ID)
	})
	slices.SortFunc(out, func(a, b *entry.Entry) int {
		return cmp.Or(b.OccurredAt().Compare(a.OccurredAt()), cmp.Compare(b.ID(), a.ID()))
	})
	return out[:min(limit, len(out))], nil
}
