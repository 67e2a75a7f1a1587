package savedview

import "crm/domain"

// Limits on what a saved view may hold. The database has the same CHECKs.
const (
	MaxNameLen  = 60
	MaxQueryLen = 2000
)

// Field names, as used in forms, validation errors and change lists.
const (
	FieldName   = "name"
	FieldQuery  = "query"
	FieldShared = "shared"
)

// The words in which the shared field is read, compared and recorded: a
// form's choice posts them and the history shows them.
const (
	SharedYes = "yes"
	SharedNo  = "no"
)

// fields describes the fields a rep edits, in form order.
var fields = domain.Fields[Fields]{
	domain.Line(FieldName, func(f *Fields) *string { return &f.Name }),
	domain.Line(FieldQuery, func(f *Fields) *string { return &f.Query }),
	domain.Value(FieldShared, func(f *Fields) *bool { return &f.Shared }, SharedText),
}

// EditableFields lists the fields a rep edits in the view's form, in form
// order.
var EditableFields = fields.Names()

// Fields are the parts of a saved view a rep edits.
type Fields struct {
	// Name is what the view's tab says.
	Name string
	// Query is the lead list's view as its address holds it, in the
	// canonical form the list writes ("sort=score&status=NEW"); "" is the
	// list as it first opens. Which parameters it may hold is the list's
	// business (see the use case's query check): the domain holds it as
	// text.
	Query string
	// Shared makes the view a tab of every rep; otherwise only its owner
	// sees it.
	Shared bool
}

// SharedText is the shared field as reps read it: SharedYes or SharedNo.
func SharedText(shared bool) string {
	if shared {
		return SharedYes
	}
	return SharedNo
}

// ParseShared reads the shared field as a form posts it.
func ParseShared(s string) (bool, error) {
	switch s {
	case SharedYes:
		return true, nil
	case SharedNo:
		return false, nil
	}
	return false, &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldShared,
		Message: "Choose whether the team sees the view: yes or no."}}}
}

// Normalize trims surrounding white space from the name and the query and
// puts both in normal form C.
func (f Fields) Normalize() Fields { return fields.Normalize(f) }

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	if !domain.Visible(f.Name) {
		domain.CheckRequired(&v, FieldName, "Name", f.Name)
	} else {
		domain.CheckText(&v, FieldName, "Name", f.Name, MaxNameLen)
	}
	domain.CheckText(&v, FieldQuery, "The view's address", f.Query, MaxQueryLen)
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string { return domain.Changed(EditableFields, f, g) }

// Get returns a field's value as text, the form in which reps see and
// compare it, or "" for a name that is not a field of a view.
func (f Fields) Get(name string) string { return fields.Get(f, name) }

// WithField returns f with field name copied from src; other names leave f
// as it is.
func (f Fields) WithField(name string, src Fields) Fields { return fields.With(f, name, src) }
