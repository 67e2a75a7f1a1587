package deals

import (
	"crm/domain/deal"
	"crm/usecase/conflict"
)

// ConflictError is returned instead of a bare *domain.OptimisticLockError
// when a rep's save or stage move started from a version that is no longer
// current. It carries everything a conflict view needs so that nothing the
// rep typed is lost: the deal as saved now (Current), the version they
// started from (Base, nil when unknown) and, for field edits, what they
// typed compared field by field. errors.As still finds the
// OptimisticLockError inside it.
type ConflictError struct {
	conflict.Versions[*deal.Deal]
	// Yours and Compare are set for field edits only.
	Yours   *deal.Fields
	Compare deal.ThreeWay
	// WantedStage is set for stage moves only.
	WantedStage deal.Stage
}
