package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/delivery/telemetry"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/conflict"
)

func TestOutcome(t *testing.T) {
	t.Parallel()
	lock := &domain.OptimisticLockError{Kind: lead.Kind, ID: 1, Expected: 2, Actual: 3}
	conflicted := &conflict.Error[*lead.Lead, lead.Fields]{Versions: conflict.Versions[*lead.Lead]{Lock: lock}}
	cases := []struct {
		name    string
		path    string
		err     error
		merged  bool
		want    string
		counted bool
	}{
		{"a save from the current version is saved", telemetry.Page, nil, false, telemetry.Saved, true},
		{"a save merged with saves made since is merged", telemetry.Page, nil, true, telemetry.Merged, true},
		{"a field both reps changed is a conflict on a page", telemetry.Page, fmt.Errorf("save lead 1: %w", conflicted), false, telemetry.Conflict, true},
		{"a lost compare-and-swap is stale for the API", telemetry.API, conflicted, false, telemetry.Stale, true},
		{"a validation failure is a rule", telemetry.Page, &domain.ValidationError{Fields: []domain.FieldError{{Field: "email", Message: "No."}}}, false, telemetry.Rule, true},
		{"a broken rule is a rule, on the API too", telemetry.API, fmt.Errorf("move: %w", &domain.RuleError{Message: "No."}), false, telemetry.Rule, true},
		{"a record deleted meanwhile is not counted", telemetry.Page, &domain.DeletedError{ID: 1}, false, "", false},
		{"a missing record is not counted", telemetry.API, &domain.NotFoundError{Kind: lead.Kind, ID: 1}, false, "", false},
		{"a server error is not counted", telemetry.Page, errors.New("connection reset"), false, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := telemetry.Outcome(tc.path, tc.err, tc.merged)
			assert.Equal(t, tc.counted, ok)
			assert.Equal(t, tc.want, got)
			if ok {
				assert.Contains(t, telemetry.Outcomes[tc.path], got, "Outcomes lists every outcome a path can have")
			}
		})
	}
}

type counts map[[3]string]int

func (c counts) Count(aggregate, path, outcome string) { c[[3]string{aggregate, path, outcome}]++ }

func TestCountSave(t *testing.T) {
	t.Parallel()
	c := counts{}
	telemetry.CountSave(c, lead.Kind, telemetry.Page, nil, true)
	telemetry.CountSave(c, lead.Kind, telemetry.Page, errors.New("connection reset"), false)
	telemetry.CountSave(nil, lead.Kind, telemetry.Page, nil, false) // no counter: nothing to do
	assert.Equal(t, counts{{lead.Kind, telemetry.Page, telemetry.Merged}: 1}, c)
}

func TestRep(t *testing.T) {
	t.Parallel()
	ctx := telemetry.WithRep(context.Background())
	assert.Zero(t, telemetry.Rep(ctx), "nobody until a handler says who")
	type innerKey struct{}
	telemetry.NoteRep(context.WithValue(ctx, innerKey{}, "inner"), 42)
	assert.Equal(t, int64(42), telemetry.Rep(ctx), "a handler's context, derived from the middleware's, reaches it")

	plain := context.Background()
	telemetry.NoteRep(plain, 7)
	assert.Zero(t, telemetry.Rep(plain), "without WithRep there is nowhere to note it")
}
