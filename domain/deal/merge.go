package deal

import "crm/domain"

// ThreeWay is the field-by-field comparison of a stale deal save.
type ThreeWay = domain.ThreeWay[Fields]

// CompareThreeWay compares the editable fields of yours and theirs against
// base (nil when unknown); see domain.CompareThreeWay.
func CompareThreeWay(base *Fields, theirs, yours Fields) ThreeWay {
	return domain.CompareThreeWay(EditableFields, base, theirs, yours)
}
