package lead

// ThreeWay compares what a rep typed (yours) with the version they started
// from (base) and the version saved now (theirs), field by field. It is the
// pure core of conflict handling: it decides nothing about saving.
type ThreeWay struct {
	// Proposed holds theirs with every change of yours that nobody else
	// touched, and yours for conflicting fields: what a second Save should
	// carry so that it keeps both reps' work.
	Proposed Fields
	// Yours lists the fields you changed that nobody else did.
	Yours []string
	// Theirs lists the fields someone else changed that you did not, or
	// changed to the same value: either way the saved value stands.
	Theirs []string
	// Conflicts lists the fields both sides changed to different values.
	Conflicts []string
}

// CompareThreeWay compares yours and theirs against base; all three must be
// normalized (see Fields.Normalize), or white space counts as a change. A field changed on
// both sides to the same value is no conflict. A nil base (the starting
// version is unknown) makes every differing field a conflict: without it
// nobody can tell whose change a difference is.
func CompareThreeWay(base *Fields, theirs, yours Fields) ThreeWay {
	w := ThreeWay{Proposed: theirs}
	for _, name := range EditableFields {
		t, y := theirs.Get(name), yours.Get(name)
		yoursChanged, theirsChanged := t != y, t != y
		if base != nil {
			b := base.Get(name)
			yoursChanged, theirsChanged = y != b, t != b
		}
		switch {
		case y == t || !yoursChanged:
			if theirsChanged {
				w.Theirs = append(w.Theirs, name)
			}
		case !theirsChanged:
			w.Yours = append(w.Yours, name)
			w.Proposed.set(name, yours)
		default:
			w.Conflicts = append(w.Conflicts, name)
			w.Proposed.set(name, yours)
		}
	}
	return w
}

// HasConflicts reports whether any field was changed differently on both sides.
func (w ThreeWay) HasConflicts() bool { return len(w.Conflicts) > 0 }

// set copies field name from src.
func (f *Fields) set(name string, src Fields) {
	switch name {
	case FieldName:
		f.Name = src.Name
	case FieldEmail:
		f.Email = src.Email
	case FieldCompany:
		f.Company = src.Company
	case FieldPhone:
		f.Phone = src.Phone
	case FieldSource:
		f.Source = src.Source
	case FieldScore:
		f.Score = src.Score
	case FieldNotes:
		f.Notes = src.Notes
	}
}
