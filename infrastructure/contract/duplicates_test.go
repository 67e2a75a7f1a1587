package contract_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/record"
)

// duplicateKind describes to the duplicates contract a kind of record
// whose new ones the create form checks for duplicates.
type duplicateKind[A stored] struct {
	name   string
	finder func(b backend) record.DuplicateFinder[A]
	repo   func(b backend) record.Repository[A]
	add    func(t *testing.T, b backend, email, name, company string) A
}

var (
	leadDuplicates = duplicateKind[*lead.Lead]{
		name:   lead.Kind,
		finder: func(b backend) record.DuplicateFinder[*lead.Lead] { return b.leads },
		repo:   func(b backend) record.Repository[*lead.Lead] { return b.leads },
		add: func(t *testing.T, b backend, email, name, company string) *lead.Lead {
			return addLead(t, b, lead.Fields{Email: email, Name: name, Company: company})
		},
	}
	contactDuplicates = duplicateKind[*contact.Contact]{
		name:   contact.Kind,
		finder: func(b backend) record.DuplicateFinder[*contact.Contact] { return b.contacts },
		repo:   func(b backend) record.Repository[*contact.Contact] { return b.contacts },
		add: func(t *testing.T, b backend, email, name, company string) *contact.Contact {
			return addContact(t, b, contact.Fields{Email: email, Name: name, Company: company})
		},
	}
)

func TestDuplicates(t *testing.T) {
	t.Parallel()
	t.Run(lead.Kind, func(t *testing.T) { t.Parallel(); testDuplicates(t, leadDuplicates) })
	t.Run(contact.Kind, func(t *testing.T) { t.Parallel(); testDuplicates(t, contactDuplicates) })

	t.Run("each list is newest first and names a few", func(t *testing.T) {
		// Leads only: one live contact per email.
		eachBackend(t, func(t *testing.T, b backend) {
			var want []int64
			for i := range record.MaxDuplicates + 2 {
				l := addLead(t, b, lead.Fields{Name: fmt.Sprintf("Ada %d", i), Email: "ada@example.com", Company: "Engines"})
				want = append([]int64{l.ID()}, want...)
			}
			d, err := b.leads.Duplicates(t.Context(), record.DuplicateQuery{Email: "ada@example.com"})
			require.NoError(t, err)
			assert.Equal(t, want[:record.MaxDuplicates], ids(d.SameEmail))

			d, err = b.leads.Duplicates(t.Context(), record.DuplicateQuery{Name: "ada 0", Company: "engines"})
			require.NoError(t, err)
			assert.Equal(t, want[len(want)-1:], ids(d.SameName))
		})
	})
}

func testDuplicates[A stored](t *testing.T, k duplicateKind[A]) {
	t.Run("the same email ignoring case finds the live record", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			ada := k.add(t, b, "Ada.Lovelace@Example.com", "Ada Lovelace", "Analytical Engines")
			k.add(t, b, "grace@navy.mil", "Grace Hopper", "Navy")
			d, err := k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{Email: "ada.lovelace@EXAMPLE.com"})
			require.NoError(t, err)
			assert.Equal(t, []int64{ada.ID()}, ids(d.SameEmail))
			assert.Empty(t, d.SameName, "no name was given")

			d, err = k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{Email: "ada.lovelace@example.co"})
			require.NoError(t, err)
			assert.Empty(t, d.SameEmail, "the whole address, not its start")
		})
	})
	t.Run("the same name and company ignoring case finds others, softly", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			same := k.add(t, b, "ada@example.com", "Ada Lovelace", "Analytical Engines")
			other := k.add(t, b, "lovelace@engines.uk", "ada lovelace", "ANALYTICAL ENGINES")
			k.add(t, b, "", "Ada Lovelace", "Babbage & Co")
			k.add(t, b, "", "Ada Lovelace", "")

			d, err := k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{Email: "ada@example.com", Name: "Ada Lovelace", Company: "Analytical Engines"})
			require.NoError(t, err)
			assert.Equal(t, []int64{same.ID()}, ids(d.SameEmail))
			assert.Equal(t, []int64{other.ID()}, ids(d.SameName), "a record found by email is not named twice")

			d, err = k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{Name: "Ada Lovelace"})
			require.NoError(t, err)
			assert.Empty(t, d.SameName, "a name alone finds nothing, not even the record without a company")
		})
	})
	t.Run("empty and deleted records are never duplicates", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			k.add(t, b, "", "Nameless Email", "Somewhere")
			gone := k.add(t, b, "gone@example.com", "Gone Away", "Elsewhere")
			_, err := k.repo(b).Update(t.Context(), gone.ID(), gone.Version(), remove[A]("ana"))
			require.NoError(t, err)

			d, err := k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{})
			require.NoError(t, err)
			assert.Empty(t, d.SameEmail, "an empty email matches no record without one")
			d, err = k.finder(b).Duplicates(t.Context(), record.DuplicateQuery{Email: "gone@example.com", Name: "Gone Away", Company: "Elsewhere"})
			require.NoError(t, err)
			assert.Empty(t, d.SameEmail, "deleted: in the Trash, not a duplicate")
			assert.Empty(t, d.SameName)
		})
	})
}
