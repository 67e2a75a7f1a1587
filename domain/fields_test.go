package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
)

// card is a field set with one field of each kind.
type card struct {
	Title string
	Body  string
	Votes int
	Tags  []string
}

var cardFields = domain.Fields[card]{
	domain.Line("title", func(c *card) *string { return &c.Title }),
	domain.Text("body", func(c *card) *string { return &c.Body }),
	domain.Number("votes", func(c *card) *int { return &c.Votes }),
	domain.Value("tags", func(c *card) *[]string { return &c.Tags }, func(tags []string) string {
		if len(tags) == 0 {
			return ""
		}
		return tags[0] + "…"
	}),
}

func TestFields(t *testing.T) {
	t.Parallel()
	c := card{Title: "  Ship it  ", Body: "  as typed\n", Votes: 42, Tags: []string{"go", "crm"}}

	t.Run("names are in the order given", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, []string{"title", "body", "votes", "tags"}, cardFields.Names())
	})
	t.Run("every field reads as text, an unknown one as nothing", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, "  Ship it  ", cardFields.Get(c, "title"))
		assert.Equal(t, "  as typed\n", cardFields.Get(c, "body"))
		assert.Equal(t, "42", cardFields.Get(c, "votes"))
		assert.Equal(t, "go…", cardFields.Get(c, "tags"))
		assert.Equal(t, "", cardFields.Get(card{}, "tags"))
		assert.Equal(t, "", cardFields.Get(c, "unknown"))
	})
	t.Run("With copies one field and leaves the rest", func(t *testing.T) {
		t.Parallel()
		got := cardFields.With(card{Title: "mine", Votes: 1}, "votes", c)
		assert.Equal(t, card{Title: "mine", Votes: 42}, got)
		got = cardFields.With(card{Title: "mine"}, "tags", c)
		assert.Equal(t, card{Title: "mine", Tags: []string{"go", "crm"}}, got)
		assert.Equal(t, card{Title: "mine"}, cardFields.With(card{Title: "mine"}, "unknown", c))
	})
	t.Run("Normalize trims one-line fields only", func(t *testing.T) {
		t.Parallel()
		got := cardFields.Normalize(c)
		assert.Equal(t, "Ship it", got.Title)
		assert.Equal(t, "  as typed\n", got.Body, "multi-line text keeps its layout")
		assert.Equal(t, "  Ship it  ", c.Title, "the original is not changed")
	})
}
