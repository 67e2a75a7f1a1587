package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
)

// score is a field set of one number, for the history rules.
type score struct{ N int }

var scoreFields = domain.Fields[score]{domain.Number("score", func(s *score) *int { return &s.N })}

func (s score) Get(name string) string                 { return scoreFields.Get(s, name) }
func (s score) WithField(name string, src score) score { return scoreFields.With(s, name, src) }

func TestCompareHistory(t *testing.T) {
	t.Parallel()
	names := scoreFields.Names()
	base := score{50}
	tests := []struct {
		name    string
		history []score // versions saved after base, oldest first
		yours   score
		want    domain.ThreeWay[score]
	}{
		{
			"a field changed and changed back by others is a conflict with a different value of yours",
			[]score{{60}, {50}}, score{70},
			domain.ThreeWay[score]{Proposed: score{70}, Conflicts: []string{"score"}},
		},
		{
			"a field changed and changed back while you kept it is theirs",
			[]score{{60}, {50}}, score{50},
			domain.ThreeWay[score]{Proposed: score{50}, Theirs: []string{"score"}},
		},
		{
			"a field changed back to the value you typed is no conflict",
			[]score{{60}, {70}}, score{70},
			domain.ThreeWay[score]{Proposed: score{70}, Theirs: []string{"score"}},
		},
		{
			"a field nobody else changed in any version is yours",
			[]score{{50}, {50}}, score{70},
			domain.ThreeWay[score]{Proposed: score{70}, Yours: []string{"score"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, domain.CompareHistory(names, &base, tt.history, tt.yours))
		})
	}
	t.Run("CompareThreeWay is the history of one version", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, domain.CompareHistory(names, &base, []score{{60}}, score{70}),
			domain.CompareThreeWay(names, &base, score{60}, score{70}))
	})
	t.Run("ChangedAlong lists what any step changed", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, []string{"score"}, domain.ChangedAlong(names, []score{{1}, {2}, {1}}))
		assert.Empty(t, domain.ChangedAlong(names, []score{{1}, {1}}))
		assert.Empty(t, domain.ChangedAlong(names, []score{{1}}))
	})
}
