package memory

import (
	"cmp"
	"context"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"crm/domain/savedview"
	"crm/usecase/record"
	"crm/usecase/savedviews"
)

var _ savedviews.Repository = (*SavedViews)(nil)

// SavedViews keeps saved views, with the tabs of savedviews.Repository.
type SavedViews struct {
	*Store[*savedview.View, savedview.Snapshot]
}

// Visible returns the live views user rep sees, their own and the shared
// ones, by name as the ICU root collation orders names (as PostgreSQL
// does), then by id; at most record.MaxPageSize.
func (r *SavedViews) Visible(_ context.Context, rep int64) ([]*savedview.View, error) {
	out := slices.DeleteFunc(r.all(), func(v *savedview.View) bool { return !v.Fields().Shared && v.Owner().ID != rep })
	names := collate.New(language.Und) // a Collator is not safe for concurrent use
	slices.SortFunc(out, func(a, b *savedview.View) int {
		return cmp.Or(names.CompareString(a.Fields().Name, b.Fields().Name), cmp.Compare(a.ID(), b.ID()))
	})
	if len(out) > record.MaxPageSize {
		out = out[:record.MaxPageSize]
	}
	return out, nil
}
