package lead

import "crm/domain"

// ThreeWay is the field-by-field comparison of a stale lead save.
type ThreeWay = domain.ThreeWay[Fields]

// CompareThreeWay compares the editable fields of yours and theirs against
// base (nil when unknown); see domain.CompareThreeWay.
func CompareThreeWay(base *Fields, theirs, yours Fields) ThreeWay {
	return domain.CompareThreeWay(EditableFields, base, theirs, yours)
}

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields {
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
	return f
}
