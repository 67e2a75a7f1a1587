package record_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/usecase/record"
)

func TestPaging_SizeClampsTheLimitToOnePage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		limit int
		want  int
	}{
		{"no limit is the default page", 0, record.DefaultPageSize},
		{"a negative limit is the default page", -5, record.DefaultPageSize},
		{"the smallest page holds one record", 1, 1},
		{"a limit in range is kept", 20, 20},
		{"the maximum is kept", record.MaxPageSize, record.MaxPageSize},
		{"one over the maximum is the maximum", record.MaxPageSize + 1, record.MaxPageSize},
		{"a huge limit is the maximum", 10_000, record.MaxPageSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, record.Paging{Limit: tt.limit}.Size())
		})
	}
}

func TestPaging_SizeIgnoresTheCursor(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 7, record.Paging{After: 42, Limit: 7}.Size())
	assert.Equal(t, record.DefaultPageSize, record.Paging{After: 42}.Size())
}
