package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

func TestOptimisticLockError_isFoundThroughWrapping(t *testing.T) {
	t.Parallel()
	lockErr := &domain.OptimisticLockError{Kind: "lead", ID: 42, Expected: 3, Actual: 5}
	tests := []struct {
		name string
		err  error
	}{
		{"the bare error is found", lockErr},
		{"an error wrapped once with %w is found", fmt.Errorf("save lead: %w", lockErr)},
		{"an error wrapped twice with %w is found", fmt.Errorf("edit lead 42: %w", fmt.Errorf("save lead: %w", lockErr))},
		{"an error joined with others is found", errors.Join(errors.New("first"), lockErr)},
		{"an error wrapped beside another %w is found", fmt.Errorf("%w and %w", domain.ErrUnavailable, lockErr)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := domain.AsOptimisticLock(tt.err)

			require.True(t, ok)
			require.NotNil(t, got)
			assert.Same(t, lockErr, got)
			assert.Equal(t, "lead", got.Kind)
			assert.Equal(t, int64(42), got.ID)
			assert.Equal(t, int64(3), got.Expected)
			assert.Equal(t, int64(5), got.Actual)
			assert.True(t, domain.IsOptimisticLock(tt.err))
			var viaAs *domain.OptimisticLockError
			assert.ErrorAs(t, tt.err, &viaAs, "plain errors.As works too")
		})
	}
}

func TestOptimisticLockError_isNotFoundInUnrelatedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
	}{
		{"a nil error is no lock conflict", nil},
		{"a plain error is no lock conflict", errors.New("version mismatch")},
		{"not found is no lock conflict", domain.ErrNotFound},
		{"unavailable wrapped is no lock conflict", fmt.Errorf("load: %w", domain.ErrUnavailable)},
		{"a rule error is no lock conflict", &domain.RuleError{Field: "status", Message: "Cannot move from NEW to QUALIFIED."}},
		{"a validation error is no lock conflict", &domain.ValidationError{Fields: []domain.FieldError{{Field: "name", Message: "Name is required."}}}},
		{"a lock error formatted with %v instead of %w is lost", fmt.Errorf("save: %v", &domain.OptimisticLockError{Kind: "lead", ID: 1, Expected: 1, Actual: 2})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := domain.AsOptimisticLock(tt.err)

			assert.False(t, ok)
			assert.Nil(t, got)
			assert.False(t, domain.IsOptimisticLock(tt.err))
		})
	}
}

func TestOptimisticLockError_Error(t *testing.T) {
	t.Parallel()
	err := &domain.OptimisticLockError{Kind: "lead", ID: 42, Expected: 3, Actual: 5}

	assert.EqualError(t, err,
		"lead 42 was changed by someone else: you started from version 3, it is now at version 5")
}

func TestValidationError_Err(t *testing.T) {
	t.Parallel()
	t.Run("an empty validation error gives a nil interface", func(t *testing.T) {
		t.Parallel()
		var v domain.ValidationError

		err := v.Err()

		assert.True(t, err == nil, "Err must return an untyped nil, not a typed nil pointer in an interface")
		assert.NoError(t, err)
	})
	t.Run("a validation error emptied of fields gives a nil interface", func(t *testing.T) {
		t.Parallel()
		v := &domain.ValidationError{Fields: []domain.FieldError{}}

		assert.True(t, v.Err() == nil)
	})
	t.Run("a validation error with a problem returns itself", func(t *testing.T) {
		t.Parallel()
		var v domain.ValidationError
		v.Add("name", "Name is required.")

		err := v.Err()

		require.Error(t, err)
		var got *domain.ValidationError
		require.ErrorAs(t, err, &got)
		assert.Same(t, &v, got)
	})
}

func TestValidationError_reportsEveryFieldInOrder(t *testing.T) {
	t.Parallel()
	var v domain.ValidationError
	v.Add("name", "Name is required.")
	v.Add("email", "Email must look like name@example.com.")
	v.Add("score", "Score must be between 0 and 100; got 101.")

	tests := []struct {
		field string
		want  string
	}{
		{"name", "Name is required."},
		{"email", "Email must look like name@example.com."},
		{"score", "Score must be between 0 and 100; got 101."},
		{"phone", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("For(%q) returns %q", tt.field, tt.want), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, v.For(tt.field))
		})
	}
	t.Run("the fields keep the order they were added in", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, []domain.FieldError{
			{Field: "name", Message: "Name is required."},
			{Field: "email", Message: "Email must look like name@example.com."},
			{Field: "score", Message: "Score must be between 0 and 100; got 101."},
		}, v.Fields)
	})
	t.Run("Error joins every message with its field", func(t *testing.T) {
		t.Parallel()
		assert.EqualError(t, v.Err(),
			"invalid input: name: Name is required.; email: Email must look like name@example.com.; score: Score must be between 0 and 100; got 101.")
	})
}

func TestRuleError_Error_isTheMessage(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("move lead 42: %w", &domain.RuleError{Field: "score", Message: "Score 79 is below the 80 needed to convert."})

	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, "score", rule.Field)
	assert.EqualError(t, rule, "Score 79 is below the 80 needed to convert.")
}

func TestSentinelErrors_areFoundThroughWrapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		sentinel error
	}{
		{"ErrNotFound is found through %w", fmt.Errorf("lead 42: %w", domain.ErrNotFound), domain.ErrNotFound},
		{"ErrUnavailable is found through %w", fmt.Errorf("dial: %w", domain.ErrUnavailable), domain.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.ErrorIs(t, tt.err, tt.sentinel)
		})
	}
	t.Run("ErrNotFound and ErrUnavailable are different errors", func(t *testing.T) {
		t.Parallel()
		assert.NotErrorIs(t, domain.ErrNotFound, domain.ErrUnavailable)
	})
}
