package record

// OwnerFilter selects records (leads, contacts, deals) by their owner. The
// zero value selects every record.
type OwnerFilter struct {
	Of OwnerOf
	// ID is the user: the one asked for with OwnerUser, the rep asking
	// with OwnerMine (0 when the view was read for nobody in particular, as
	// a saved view's text is, which matches no record).
	ID int64
}

// OwnerOf is whose records an OwnerFilter selects.
type OwnerOf string

// Whose records a list shows.
const (
	OwnerAnyone OwnerOf = ""
	// OwnerMine is the records of the rep looking at the list: a saved
	// view "My leads" shared with the team shows each rep their own.
	OwnerMine   OwnerOf = "me"
	OwnerNobody OwnerOf = "none"
	OwnerUser   OwnerOf = "user"
)

// Matches reports whether a record owned by owner (0 for nobody) is selected.
func (o OwnerFilter) Matches(owner int64) bool {
	switch o.Of {
	case OwnerAnyone:
		return true
	case OwnerNobody:
		return owner == 0
	}
	return o.ID != 0 && owner == o.ID
}
