package contacts

import (
	"crm/domain/contact"
	"crm/usecase/conflict"
)

// ConflictError is returned instead of a bare *domain.OptimisticLockError
// when a rep's save started from a version that is no longer current. It
// carries everything the conflict view needs so that nothing the rep typed
// is lost: the contact as saved now (Current), the version they started
// from (Base, nil when unknown), what they typed and the field-by-field
// comparison of the three. errors.As still finds the OptimisticLockError
// inside it.
type ConflictError struct {
	conflict.Versions[*contact.Contact]
	Yours   contact.Fields
	Compare contact.ThreeWay
}
