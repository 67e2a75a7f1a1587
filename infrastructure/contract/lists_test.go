package contract_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/deals"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// The contracts of what only one kind of repository does: its lists, its
// lookups and the references it checks.

func addLead(t *testing.T, b backend, f lead.Fields) *lead.Lead {
	t.Helper()
	return must(b.leads.Create(t.Context(), must(lead.New(f, "ana"))(t)))(t)
}

func addContact(t *testing.T, b backend, f contact.Fields) *contact.Contact {
	t.Helper()
	return must(b.contacts.Create(t.Context(), must(contact.New(f, "ana"))(t)))(t)
}

func addDeal(t *testing.T, b backend, contactID, leadID int64) *deal.Deal {
	t.Helper()
	return must(b.deals.Create(t.Context(), newDeal(t, contactID, leadID)))(t)
}

func newDeal(t *testing.T, contactID, leadID int64) *deal.Deal {
	t.Helper()
	return must(deal.New(deal.Fields{Title: "Engines", Amount: deal.Money{Minor: 100, Currency: "EUR"}}, contactID, leadID, "ana"))(t)
}

func moveLead(t *testing.T, b backend, l *lead.Lead, to lead.Status) *lead.Lead {
	t.Helper()
	return must(b.leads.Update(t.Context(), l.ID(), l.Version(), func(l *lead.Lead) (bool, error) { return true, l.MoveTo(to, "bruno") }))(t)
}

func ids[A interface{ ID() int64 }](as []A) []int64 {
	var out []int64
	for _, a := range as {
		out = append(out, a.ID())
	}
	return out
}

// pageAll follows a list's cursor from the first page, size at a time,
// and returns every id it saw and how many pages it took.
func pageAll[A interface{ ID() int64 }](t *testing.T, size int, list func(record.Paging) (record.Page[A], error)) ([]int64, int) {
	t.Helper()
	var seen []int64
	p := record.Paging{Limit: size}
	for pages := 1; ; pages++ {
		require.LessOrEqual(t, pages, 100, "the cursor does not end")
		page, err := list(p)
		require.NoError(t, err)
		seen = append(seen, ids(page.Items)...)
		if page.Next == 0 {
			return seen, pages
		}
		assert.Len(t, page.Items, size, "only the last page is short")
		assert.Equal(t, page.Items[len(page.Items)-1].ID(), page.Next, "the cursor is the last id shown")
		p.After = page.Next
	}
}

// compareLeads compares two leads by one sort key alone, as the contract
// expects lists to: names and companies as a reader would (case and
// accents second), statuses in funnel order.
func compareLeads(by leads.SortKey, a, b *lead.Lead) int {
	switch by {
	case leads.SortCreated:
		return a.CreatedAt().Compare(b.CreatedAt())
	case leads.SortUpdated:
		return a.UpdatedAt().Compare(b.UpdatedAt())
	case leads.SortName:
		return readerOrder.CompareString(a.Fields().Name, b.Fields().Name)
	case leads.SortCompany:
		return readerOrder.CompareString(a.Fields().Company, b.Fields().Company)
	case leads.SortScore:
		return cmp.Compare(a.Fields().Score, b.Fields().Score)
	case leads.SortStatus:
		return cmp.Compare(slices.Index(lead.Statuses, a.Status()), slices.Index(lead.Statuses, b.Status()))
	}
	return 0
}

var readerOrder = collate.New(language.Und)

func TestLeadRepositories(t *testing.T) {
	t.Parallel()
	t.Run("the list pages newest first without gaps or duplicates", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			var want []int64
			for i := range 7 {
				want = append([]int64{addLead(t, b, lead.Fields{Name: fmt.Sprintf("Lead %d", i)}).ID()}, want...)
			}
			got, pages := pageAll(t, 3, func(p record.Paging) (record.Page[*lead.Lead], error) {
				return b.leads.List(t.Context(), leads.ListQuery{Paging: p})
			})
			assert.Equal(t, want, got)
			assert.Equal(t, 3, pages)

			exact, err := b.leads.List(t.Context(), leads.ListQuery{Paging: record.Paging{Limit: 7}})
			require.NoError(t, err)
			assert.Len(t, exact.Items, 7)
			assert.Zero(t, exact.Next, "exactly one page has no next")
			none, err := b.leads.List(t.Context(), leads.ListQuery{Search: "nobody has this"})
			require.NoError(t, err)
			assert.NotNil(t, none.Items)
			assert.Empty(t, none.Items)
			assert.Zero(t, none.Next)
		})
	})
	t.Run("the list filters by status and pages within it", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			var contacted []int64
			for i := range 5 {
				l := addLead(t, b, lead.Fields{Name: "Ada"})
				if i%2 == 0 {
					contacted = append([]int64{moveLead(t, b, l, lead.StatusContacted).ID()}, contacted...)
				}
			}
			got, _ := pageAll(t, 2, func(p record.Paging) (record.Page[*lead.Lead], error) {
				return b.leads.List(t.Context(), leads.ListQuery{Status: lead.StatusContacted, Paging: p})
			})
			assert.Equal(t, contacted, got)
		})
	})
	t.Run("a search within a status, as a board's column reads it, pages newest first", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			var contacted []int64
			for i := range 7 {
				name := "Ada Lovelace"
				if i%3 == 2 {
					name = "Grace Hopper"
				}
				l := addLead(t, b, lead.Fields{Name: name})
				if i%3 != 1 {
					l = moveLead(t, b, l, lead.StatusContacted)
					if name == "Ada Lovelace" {
						contacted = append([]int64{l.ID()}, contacted...)
					}
				}
			}
			for _, search := range []string{"lovelace", "ad"} {
				got, pages := pageAll(t, 2, func(p record.Paging) (record.Page[*lead.Lead], error) {
					return b.leads.List(t.Context(), leads.ListQuery{Status: lead.StatusContacted, Search: search, Paging: p})
				})
				assert.Equal(t, contacted, got, "search %q", search)
				assert.Equal(t, 2, pages, "search %q", search)
			}
		})
	})
	t.Run("search finds text in name, email or company, literally and in any case", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			mk := func(name, email, company string) int64 {
				return addLead(t, b, lead.Fields{Name: name, Email: email, Company: company}).ID()
			}
			percent := mk("Grace Hopper", "grace@navy.mil", "100% Cotton Ltd")
			plain := mk("Alan Turing", "alan@bletchley.uk", "1000 Cotton Mills")
			underscore := mk("Edsger Dijkstra", "edsger_d@tue.nl", "Go To Harmful")
			backslash := mk("Barbara Liskov", "edsgerxd@mit.edu", `Back\slash Inc`) // "rxd" would match an unescaped r_d
			for _, tc := range []struct {
				search string
				want   []int64
			}{
				{"100%", []int64{percent}},             // not "100 then anything"
				{"100", []int64{plain, percent}},       // newest first
				{"r_d", []int64{underscore}},           // not "r, any one character, d"
				{`k\s`, []int64{backslash}},            // a backslash is no escape
				{"GRACE", []int64{percent}},            // case-insensitive, in name
				{"bletchley", []int64{plain}},          // in email
				{"harmful", []int64{underscore}},       // in company
				{"Cotton Grace", nil},                  // a substring, not a set of words
				{"  turing  ", []int64{plain}},         // surrounding spaces ignored
				{"al", []int64{plain}},                 // one or two characters: the start of a name,
				{"ED", []int64{backslash, underscore}}, // an email,
				{"go", []int64{underscore}},            // or a company, in any case
				{"ot", nil},                            // not inside one
				{"%", nil},                             // literally
				{"", []int64{backslash, underscore, plain, percent}},
			} {
				page, err := b.leads.List(t.Context(), leads.ListQuery{Search: tc.search})
				require.NoError(t, err)
				assert.Equal(t, tc.want, ids(page.Items), "search %q", tc.search)
			}
		})
	})
	t.Run("the list sorts both ways by every key and pages each without gaps or duplicates", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			// Names as people read them: case and accents second.
			names := []string{"Bob", "zoe", "adam", "Émile", "eve", "Bob", "Zoë", "Ábel"}
			wantNames := []string{"Ábel", "adam", "Bob", "Bob", "Émile", "eve", "zoe", "Zoë"}
			var all []*lead.Lead
			for i, name := range names {
				l := addLead(t, b, lead.Fields{Name: name, Company: names[(i+3)%len(names)], Score: (i * 37) % 4 * 10})
				if i%3 == 1 {
					l = moveLead(t, b, l, lead.StatusContacted)
				}
				if i%4 == 2 {
					l = moveLead(t, b, l, lead.StatusLost)
				}
				all = append(all, l)
			}
			// Touch the first lead last, so the last change differs from creation order.
			all[0] = moveLead(t, b, all[0], lead.StatusLost)
			byID := map[int64]*lead.Lead{}
			for _, l := range all {
				byID[l.ID()] = l
			}
			for _, by := range leads.SortKeys {
				for _, asc := range []bool{true, false} {
					sort := leads.Sort{By: by, Asc: asc}
					want := slices.Clone(all)
					slices.SortStableFunc(want, func(a, b *lead.Lead) int {
						c := cmp.Or(compareLeads(by, a, b), cmp.Compare(a.ID(), b.ID()))
						if !asc {
							return -c
						}
						return c
					})
					var got []int64
					p := record.Paging{Limit: 3}
					for range 10 {
						page, err := b.leads.List(t.Context(), leads.ListQuery{Sort: sort, Paging: p})
						require.NoError(t, err)
						got = append(got, ids(page.Items)...)
						if page.Next == 0 {
							break
						}
						p.After, p.AfterKey = page.Next, sort.Key(byID[page.Next])
					}
					assert.Equal(t, ids(want), got, "sorted by %s, ascending %v", by, asc)
					var each []int64
					require.NoError(t, b.leads.Each(t.Context(), leads.ListQuery{Sort: sort}, func(l *lead.Lead) error {
						each = append(each, l.ID())
						return nil
					}))
					assert.Equal(t, ids(want), each, "every lead at once, sorted by %s, ascending %v", by, asc)
					if by == leads.SortName && asc {
						var gotNames []string
						for _, id := range got {
							gotNames = append(gotNames, byID[id].Fields().Name)
						}
						assert.Equal(t, wantNames, gotNames)
					}
				}
			}
		})
	})
	t.Run("the list filters by owner: a user's, the rep's own, nobody's", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria, john := b.rep(t, "maria"), b.rep(t, "john")
			marias := addLead(t, b, lead.Fields{Name: "Maria's", Owner: maria.ID})
			johns := addLead(t, b, lead.Fields{Name: "John's", Owner: john.ID, Source: "Website"})
			nobodys := addLead(t, b, lead.Fields{Name: "Nobody's", Source: "Website"})
			alsoMarias := addLead(t, b, lead.Fields{Name: "Maria's too", Owner: maria.ID, Score: 90})
			for _, tc := range []struct {
				name string
				q    leads.ListQuery
				want []*lead.Lead
			}{
				{"anyone's", leads.ListQuery{}, []*lead.Lead{alsoMarias, nobodys, johns, marias}},
				{"a user's", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerUser, ID: john.ID}}, []*lead.Lead{johns}},
				{"mine", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerMine, ID: maria.ID}}, []*lead.Lead{alsoMarias, marias}},
				{"mine, read for nobody in particular", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerMine}}, nil},
				{"nobody's", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerNobody}}, []*lead.Lead{nobodys}},
				{"nobody's from a source", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerNobody}, Source: "Website"}, []*lead.Lead{nobodys}},
				{"mine by score", leads.ListQuery{Owner: record.OwnerFilter{Of: record.OwnerMine, ID: maria.ID}, Sort: leads.Sort{By: leads.SortScore}}, []*lead.Lead{alsoMarias, marias}},
			} {
				page, err := b.leads.List(t.Context(), tc.q)
				require.NoError(t, err, tc.name)
				assert.Equal(t, ids(tc.want), ids(page.Items), tc.name)
			}
		})
	})
	t.Run("the list filters by source, score and periods together", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			var made []*lead.Lead
			for i := range 6 {
				source := []string{"Website", "Referral", ""}[i%3]
				made = append(made, addLead(t, b, lead.Fields{Name: fmt.Sprintf("Lead %d", i), Source: source, Score: i * 20}))
			}
			touched := moveLead(t, b, made[1], lead.StatusContacted)
			atLeast, atMost := 20, 80
			for _, tc := range []struct {
				name string
				q    leads.ListQuery
				want []*lead.Lead
			}{
				{"source", leads.ListQuery{Source: "Website"}, []*lead.Lead{made[3], made[0]}},
				{"score from", leads.ListQuery{Score: leads.Bounds{Min: &atLeast}}, []*lead.Lead{made[5], made[4], made[3], made[2], made[1]}},
				{"score range", leads.ListQuery{Score: leads.Bounds{Min: &atLeast, Max: &atMost}}, []*lead.Lead{made[4], made[3], made[2], made[1]}},
				{"score and source", leads.ListQuery{Source: "Referral", Score: leads.Bounds{Max: &atMost}}, []*lead.Lead{made[4], made[1]}},
				{"created from, to excluded", leads.ListQuery{Created: leads.Period{From: made[2].CreatedAt(), To: made[4].CreatedAt()}}, []*lead.Lead{made[3], made[2]}},
				{"updated since", leads.ListQuery{Updated: leads.Period{From: touched.UpdatedAt()}}, []*lead.Lead{made[1]}},
				{"updated since, by last change", leads.ListQuery{Updated: leads.Period{From: touched.UpdatedAt()}, Sort: leads.Sort{By: leads.SortUpdated}}, []*lead.Lead{made[1]}},
				{"updated before, by last change", leads.ListQuery{Updated: leads.Period{To: touched.UpdatedAt()}, Sort: leads.Sort{By: leads.SortUpdated, Asc: true}, Source: "Website"}, []*lead.Lead{made[0], made[3]}},
				{"nothing", leads.ListQuery{Source: "Website", Score: leads.Bounds{Min: &atMost, Max: &atLeast}}, nil},
			} {
				page, err := b.leads.List(t.Context(), tc.q)
				require.NoError(t, err, tc.name)
				assert.Equal(t, ids(tc.want), ids(page.Items), tc.name)
			}
			var each []*lead.Lead
			stop := errors.New("enough")
			err := b.leads.Each(t.Context(), leads.ListQuery{Score: leads.Bounds{Min: &atLeast}}, func(l *lead.Lead) error {
				if each = append(each, l); len(each) == 2 {
					return stop
				}
				return nil
			})
			assert.Same(t, stop, err, "Each stops at its function's error, and returns it as it is")
			assert.Equal(t, ids([]*lead.Lead{made[5], made[4]}), ids(each))
			sources, err := b.leads.Sources(t.Context(), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"Referral", "Website"}, sources, "distinct, in order, without the empty one")
			sources, err = b.leads.Sources(t.Context(), 1)
			require.NoError(t, err)
			assert.Equal(t, []string{"Referral"}, sources)
		})
	})
	t.Run("counts per status have every status and follow every write", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			counts, err := b.leads.CountByStatus(t.Context())
			require.NoError(t, err)
			assert.Equal(t, map[lead.Status]int{"NEW": 0, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 0}, counts)
			var first *lead.Lead
			for i := range 4 {
				l := addLead(t, b, lead.Fields{Name: "Ada", Company: fmt.Sprintf("Firm %d_x", i)})
				if i == 0 {
					first = moveLead(t, b, l, lead.StatusLost)
				}
			}
			gone := addLead(t, b, lead.Fields{Name: "Someone else"})
			_, err = b.leads.Update(t.Context(), gone.ID(), gone.Version(), func(l *lead.Lead) (bool, error) { return true, l.Delete("ana") })
			require.NoError(t, err)
			_, err = b.leads.Update(t.Context(), first.ID(), first.Version(), func(l *lead.Lead) (bool, error) {
				f := l.Fields()
				f.Phone = "+1 555"
				changed, err := l.Edit(f, "ana")
				return len(changed) > 0, err
			})
			require.NoError(t, err)

			counts, err = b.leads.CountByStatus(t.Context())
			require.NoError(t, err)
			assert.Equal(t, map[lead.Status]int{"NEW": 3, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 1}, counts,
				"a deleted lead is not counted, an edit moves no count")
		})
	})
	t.Run("ten reps moving one lead from one version: exactly one move lands", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			l := addLead(t, b, lead.Fields{Name: "Ada"})
			moves := []lead.Status{lead.StatusContacted, lead.StatusLost}
			errs := make([]error, 10)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() {
					<-start
					_, errs[i] = b.leads.Update(context.Background(), l.ID(), 1, func(l *lead.Lead) (bool, error) {
						return true, l.MoveTo(moves[i%2], fmt.Sprintf("rep%d", i))
					})
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				assert.True(t, domain.IsOptimisticLock(err), "got %v", err)
			}
			assert.Equal(t, 1, won)
			got := must(b.leads.Get(t.Context(), l.ID()))(t)
			assert.Equal(t, int64(2), got.Version())
			assert.Contains(t, moves, got.Status())
		})
	})
	t.Run("a lead's history goes on with its deal's events", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			l := addLead(t, b, lead.Fields{Name: "Ada"})
			d := addDeal(t, b, addContact(t, b, contact.Fields{Name: "Ada"}).ID(), l.ID())
			other := addDeal(t, b, addContact(t, b, contact.Fields{Name: "Alan"}).ID(), 0)

			page, err := b.leads.History(t.Context(), l.ID(), record.Paging{})
			require.NoError(t, err)
			h := page.Items
			require.Len(t, h, 2)
			assert.Equal(t, []string{deal.Kind, lead.Kind}, []string{h[0].Kind, h[1].Kind}, "newest first")
			assert.Equal(t, d.ID(), h[0].AggregateID)
			assert.NotEqual(t, other.ID(), h[0].AggregateID)

			first, err := b.leads.History(t.Context(), l.ID(), record.Paging{Limit: 1})
			require.NoError(t, err)
			assert.Equal(t, h[:1], first.Items, "a page of one: the deal's event")
			second, err := b.leads.History(t.Context(), l.ID(), record.Paging{After: first.Next, Limit: 1})
			require.NoError(t, err)
			assert.Equal(t, h[1:], second.Items, "then the lead's own, older")
			assert.Zero(t, second.Next)
		})
	})
}

func TestContactRepositories(t *testing.T) {
	t.Parallel()
	t.Run("the list pages newest first and searches name, email and company literally", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			var all []int64
			for i := range 7 {
				f := contact.Fields{Name: fmt.Sprintf("Contact %d", i), Email: fmt.Sprintf("grace%d@navy.mil", i)}
				if i%3 == 0 {
					f.Company = "100% Pure_Co"
				}
				all = append([]int64{addContact(t, b, f).ID()}, all...)
			}
			got, pages := pageAll(t, 3, func(p record.Paging) (record.Page[*contact.Contact], error) {
				return b.contacts.List(t.Context(), contacts.ListQuery{Paging: p})
			})
			assert.Equal(t, all, got)
			assert.Equal(t, 3, pages)

			page, err := b.contacts.List(t.Context(), contacts.ListQuery{Search: " 100% pure_ "})
			require.NoError(t, err)
			assert.Equal(t, []int64{all[0], all[3], all[6]}, ids(page.Items))
			page, err = b.contacts.List(t.Context(), contacts.ListQuery{Search: "100%_"})
			require.NoError(t, err)
			assert.Empty(t, page.Items)
			page, err = b.contacts.List(t.Context(), contacts.ListQuery{Search: "NAVY.MIL", Paging: record.Paging{Limit: 4}})
			require.NoError(t, err)
			assert.Equal(t, all[:4], ids(page.Items))
			assert.Equal(t, all[3], page.Next)

			// One or two characters: the start of a name, an email or a
			// company, as for leads.
			for search, want := range map[string][]int64{
				"co": all, "GR": all, "10": {all[0], all[3], all[6]}, "on": nil, "%": nil,
			} {
				page, err = b.contacts.List(t.Context(), contacts.ListQuery{Search: search})
				require.NoError(t, err)
				assert.Equal(t, want, ids(page.Items), "search %q", search)
			}
		})
	})
	t.Run("FindByEmail finds the contact with the email in any case", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			want := addContact(t, b, contact.Fields{Name: "Ada King", Email: "ada@example.COM"})
			addContact(t, b, contact.Fields{Name: "Ada", Email: "ada@example.org"})
			addContact(t, b, contact.Fields{Name: "Ada"})
			addContact(t, b, contact.Fields{Name: "Nobody either"})

			for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", "  Ada@example.com "} {
				got, err := b.contacts.FindByEmail(t.Context(), email)
				require.NoError(t, err, email)
				assert.Equal(t, want.Snapshot(), got.Snapshot(), email)
			}
			for _, email := range []string{"nobody@example.com", "ada@example", "", "  ", "%@example.com"} {
				_, err := b.contacts.FindByEmail(t.Context(), email)
				assert.ErrorIs(t, err, domain.ErrNotFound, "%q", email)
			}
		})
	})
}

func TestContactsHaveOneLiveContactPerEmail(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ada := addContact(t, b, contact.Fields{Name: "Ada", Email: "ada@example.com"})
		grace := addContact(t, b, contact.Fields{Name: "Grace", Email: "grace@navy.mil"})

		_, err := b.contacts.Create(t.Context(), must(contact.New(contact.Fields{Name: "Ada King", Email: "ADA@Example.com"}, "ana"))(t))
		assert.True(t, contact.IsEmailTaken(err), "a second contact with one email, in any case: %v", err)
		_, err = b.contacts.Update(t.Context(), grace.ID(), 1, func(c *contact.Contact) (bool, error) {
			f := c.Fields()
			f.Email = "ada@example.com"
			_, err := c.Edit(f, "bruno")
			return true, err
		})
		assert.True(t, contact.IsEmailTaken(err), "nor by changing one's email: %v", err)
		assert.Equal(t, "grace@navy.mil", must(b.contacts.Get(t.Context(), grace.ID()))(t).Fields().Email, "nothing written")

		_, err = b.contacts.Update(t.Context(), ada.ID(), 1, func(c *contact.Contact) (bool, error) { return true, c.Delete("bruno") })
		require.NoError(t, err)
		again := addContact(t, b, contact.Fields{Name: "Ada again", Email: "ada@example.com"})
		assert.NotZero(t, again.ID(), "a deleted contact's email is free")
		_, err = b.contacts.Update(t.Context(), ada.ID(), 2, func(c *contact.Contact) (bool, error) { return true, c.Undelete("carla") })
		assert.True(t, contact.IsEmailTaken(err), "restoring it while its email is taken is refused: %v", err)
		addContact(t, b, contact.Fields{Name: "No email"})
		addContact(t, b, contact.Fields{Name: "No email either"})
	})
}

func TestDealRepositories(t *testing.T) {
	t.Parallel()
	t.Run("a deal keeps the lead it was converted from", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			l := addLead(t, b, lead.Fields{Name: "Ada"})
			c := addContact(t, b, contact.Fields{Name: "Ada"})
			d := addDeal(t, b, c.ID(), l.ID())

			got, err := b.deals.Get(t.Context(), d.ID())
			require.NoError(t, err)
			assert.Equal(t, l.ID(), got.LeadID())
			assert.Equal(t, c.ID(), got.ContactID())
			assert.Equal(t, deal.StageQualification, got.Stage())
		})
	})
	t.Run("a deal keeps its expected close and the day it closed, in every version", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			c := addContact(t, b, contact.Fields{Name: "Ada"})
			d := addDeal(t, b, c.ID(), 0)
			expected, err := domain.ParseDate("d", "D", "2027-01-15")
			require.NoError(t, err)
			closed, err := domain.ParseDate("d", "D", "2026-12-30")
			require.NoError(t, err)
			d = must(b.deals.Update(t.Context(), d.ID(), 1, func(d *deal.Deal) (bool, error) {
				return true, d.MoveTo(deal.StageNegotiation, "ana", deal.Gate{ExpectedClose: expected})
			}))(t)
			d = must(b.deals.Update(t.Context(), d.ID(), 2, func(d *deal.Deal) (bool, error) {
				return true, d.MoveTo(deal.StageWon, "ana", deal.Gate{ClosedOn: closed})
			}))(t)

			got := must(b.deals.Get(t.Context(), d.ID()))(t)
			assert.Equal(t, expected, got.Fields().ExpectedClose)
			assert.Equal(t, closed, got.ClosedOn())
			v2 := must(b.deals.Version(t.Context(), d.ID(), 2))(t)
			assert.Equal(t, deal.StageNegotiation, v2.Stage())
			assert.Equal(t, expected, v2.Fields().ExpectedClose)
			assert.True(t, v2.ClosedOn().IsZero())
			v1 := must(b.deals.Version(t.Context(), d.ID(), 1))(t)
			assert.True(t, v1.Fields().ExpectedClose.IsZero())
		})
	})
	t.Run("what a deal refers to must exist, and a lead becomes one deal", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			c := addContact(t, b, contact.Fields{Name: "Ada"})
			l := addLead(t, b, lead.Fields{Name: "Ada"})
			addDeal(t, b, c.ID(), l.ID())
			for _, tc := range []struct {
				name              string
				contactID, leadID int64
				field, message    string
			}{
				{"an unknown contact", 424242, 0, deal.FieldContact, "The contact does not exist."},
				{"an unknown lead", c.ID(), 424242, deal.FieldLead, "The lead does not exist."},
				{"a lead that has a deal", c.ID(), l.ID(), deal.FieldLead, "This lead already has a deal."},
			} {
				_, err := b.deals.Create(t.Context(), newDeal(t, tc.contactID, tc.leadID))
				var invalid *domain.ValidationError
				var rule *domain.RuleError
				switch {
				case errors.As(err, &invalid):
					assert.Equal(t, tc.message, invalid.For(tc.field), tc.name)
				case errors.As(err, &rule):
					assert.Equal(t, domain.RuleError{Field: tc.field, Message: tc.message}, *rule, tc.name)
				default:
					t.Errorf("%s: want a refusal the rep can act on, got %v", tc.name, err)
				}
			}
			page, err := b.deals.List(t.Context(), deals.ListQuery{})
			require.NoError(t, err)
			assert.Len(t, page.Items, 1, "nothing more is stored")
		})
	})
	t.Run("the list pages by stage with the contacts' names", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			ada := addContact(t, b, contact.Fields{Name: "Ada"})
			alan := addContact(t, b, contact.Fields{Name: "Alan"})
			var won, all []int64
			for i := range 6 {
				c := ada
				if i%2 == 1 {
					c = alan
				}
				d := addDeal(t, b, c.ID(), 0)
				if i < 4 {
					d = must(b.deals.Update(t.Context(), d.ID(), 1, func(d *deal.Deal) (bool, error) {
						return true, d.MoveTo(deal.StageWon, "ana", deal.Gate{ClosedOn: domain.DateOf(time.Now())})
					}))(t)
					won = append([]int64{d.ID()}, won...)
				}
				all = append([]int64{d.ID()}, all...)
			}
			got, _ := pageAll(t, 4, func(p record.Paging) (record.Page[*deal.Deal], error) {
				page, err := b.deals.List(t.Context(), deals.ListQuery{Paging: p})
				return page.Page, err
			})
			assert.Equal(t, all, got)
			got, _ = pageAll(t, 3, func(p record.Paging) (record.Page[*deal.Deal], error) {
				page, err := b.deals.List(t.Context(), deals.ListQuery{Stage: deal.StageWon, Paging: p})
				return page.Page, err
			})
			assert.Equal(t, won, got)
			page, err := b.deals.List(t.Context(), deals.ListQuery{Stage: deal.StageLost})
			require.NoError(t, err)
			assert.Empty(t, page.Items)
			page, err = b.deals.List(t.Context(), deals.ListQuery{})
			require.NoError(t, err)
			assert.Equal(t, map[int64]string{ada.ID(): "Ada", alan.ID(): "Alan"}, page.ContactNames)
		})
	})
	t.Run("the list keeps the deals closed in a stretch, or open and not saved since a time, as the dashboard counts them", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			c := addContact(t, b, contact.Fields{Name: "Ada"})
			today := domain.DateOf(time.Now())
			save := func(d *deal.Deal, change func(*deal.Deal) error) *deal.Deal {
				t.Helper()
				// Each save a moment after the last: the marks compare times.
				time.Sleep(time.Millisecond)
				return must(b.deals.Update(t.Context(), d.ID(), d.Version(), func(d *deal.Deal) (bool, error) { return true, change(d) }))(t)
			}
			moveTo := func(to deal.Stage) func(*deal.Deal) error {
				return func(d *deal.Deal) error { return d.MoveTo(to, "ana", deal.Gate{ClosedOn: today}) }
			}
			added := func(moves ...deal.Stage) *deal.Deal {
				t.Helper()
				time.Sleep(time.Millisecond)
				d := addDeal(t, b, c.ID(), 0)
				for _, to := range moves {
					d = save(d, moveTo(to))
				}
				return d
			}
			untouched := added()
			wonFirst := added(deal.StageWon)
			lost := added(deal.StageLost)
			reopened := added(deal.StageLost, deal.StageQualification)
			wonLast := added(deal.StageWon)
			wonAt := wonLast.UpdatedAt()
			wonLast = save(wonLast, func(d *deal.Deal) error {
				f := d.Fields()
				f.Notes = "Signed."
				_, err := d.Edit(f, "ana")
				return err
			})
			proposal := added(deal.StageProposal)
			save(added(deal.StageWon), func(d *deal.Deal) error { return d.Delete("ana") })

			list := func(q deals.ListQuery) []int64 {
				t.Helper()
				got, _ := pageAll(t, 1, func(p record.Paging) (record.Page[*deal.Deal], error) {
					q.Paging = p
					page, err := b.deals.List(t.Context(), q)
					return page.Page, err
				})
				return got
			}
			end := wonAt.Add(time.Microsecond)
			assert.Equal(t, []int64{wonFirst.ID()}, list(deals.ListQuery{ClosedFrom: wonFirst.UpdatedAt(), ClosedTo: lost.UpdatedAt()}), "from included, to not")
			assert.Equal(t, []int64{wonLast.ID(), lost.ID(), wonFirst.ID()}, list(deals.ListQuery{ClosedFrom: wonFirst.UpdatedAt(), ClosedTo: end}),
				"by the move, not a later save; a reopened deal is not closed, a deleted one not listed")
			assert.Equal(t, []int64{wonLast.ID(), wonFirst.ID()}, list(deals.ListQuery{Stage: deal.StageWon, ClosedFrom: wonFirst.UpdatedAt(), ClosedTo: end}))
			assert.Empty(t, list(deals.ListQuery{Stage: deal.StageQualification, ClosedFrom: wonFirst.UpdatedAt(), ClosedTo: end}))
			assert.Empty(t, list(deals.ListQuery{ClosedFrom: end, ClosedTo: end.Add(time.Hour)}))

			assert.Equal(t, []int64{reopened.ID(), untouched.ID()}, list(deals.ListQuery{UntouchedSince: proposal.UpdatedAt()}),
				"open deals saved before, not at; closed ones are not rotting")
			assert.Equal(t, []int64{proposal.ID(), reopened.ID(), untouched.ID()}, list(deals.ListQuery{UntouchedSince: proposal.UpdatedAt().Add(time.Microsecond)}))
			assert.Equal(t, []int64{proposal.ID()}, list(deals.ListQuery{Stage: deal.StageProposal, UntouchedSince: time.Now().Add(time.Hour)}))
			assert.Empty(t, list(deals.ListQuery{Stage: deal.StageWon, UntouchedSince: time.Now().Add(time.Hour)}))
			assert.Empty(t, list(deals.ListQuery{UntouchedSince: untouched.UpdatedAt(), Owner: record.OwnerFilter{Of: record.OwnerMine, ID: 424242}}))
		})
	})
	t.Run("the totals count each stage's deals and add up their amounts per currency", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			c := addContact(t, b, contact.Fields{Name: "Ada"})
			add := func(minor int64, currency string, owner int64) *deal.Deal {
				f := deal.Fields{Title: "Engines", Amount: deal.Money{Minor: minor, Currency: currency}, Owner: owner}
				return must(b.deals.Create(t.Context(), must(deal.New(f, c.ID(), 0, "ana"))(t)))(t)
			}
			first := add(100, "EUR", 0)
			add(250, "EUR", 0)
			add(70, "USD", 0)
			lost := add(900, "EUR", 0)
			must(b.deals.Update(t.Context(), lost.ID(), 1, func(d *deal.Deal) (bool, error) { return true, d.MoveTo(deal.StageLost, "ana", deal.Gate{}) }))(t)
			dearer := add(1, "EUR", 0)
			must(b.deals.Update(t.Context(), dearer.ID(), 1, func(d *deal.Deal) (bool, error) {
				f := d.Fields()
				f.Amount.Minor = 100
				_, err := d.Edit(f, "ana")
				return true, err
			}))(t)
			gone := add(5000, "EUR", 0)
			must(b.deals.Update(t.Context(), gone.ID(), 1, func(d *deal.Deal) (bool, error) { return true, d.Delete("ana") }))(t)

			got, err := b.deals.Totals(t.Context(), record.OwnerFilter{})
			require.NoError(t, err)
			start := first.Stage()
			want := []deals.StageTotal{
				{Stage: start, Count: 3, Amount: deal.Money{Minor: 450, Currency: "EUR"}},
				{Stage: start, Count: 1, Amount: deal.Money{Minor: 70, Currency: "USD"}},
				{Stage: deal.StageLost, Count: 1, Amount: deal.Money{Minor: 900, Currency: "EUR"}},
			}
			slices.SortFunc(want, func(a, b deals.StageTotal) int {
				return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Amount.Currency, b.Amount.Currency))
			})
			assert.Equal(t, want, got, "the deleted deal is not counted, currencies are never added together")
			mine, err := b.deals.Totals(t.Context(), record.OwnerFilter{Of: record.OwnerMine, ID: 424242})
			require.NoError(t, err)
			assert.Empty(t, mine, "an owner's totals count only their deals")
		})
	})
	t.Run("a contact's deals are listed newest first", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			ada := addContact(t, b, contact.Fields{Name: "Ada"})
			alan := addContact(t, b, contact.Fields{Name: "Alan"})
			first := addDeal(t, b, ada.ID(), 0)
			addDeal(t, b, alan.ID(), 0)
			second := addDeal(t, b, ada.ID(), 0)

			got, err := b.deals.ListByContact(t.Context(), ada.ID())
			require.NoError(t, err)
			assert.Equal(t, []int64{second.ID(), first.ID()}, ids(got))
			none, err := b.deals.ListByContact(t.Context(), 424242)
			require.NoError(t, err)
			assert.NotNil(t, none, "none is an empty list")
			assert.Empty(t, none)
		})
	})
}

func TestUnitsOfWork(t *testing.T) {
	t.Parallel()
	t.Run("a unit of work commits every repository's writes or none", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			l := addLead(t, b, lead.Fields{Name: "Ada"})
			var kept *contact.Contact
			require.NoError(t, b.work.Do(t.Context(), func(ctx context.Context, r conversion.Repos) (err error) {
				kept, err = r.Contacts().Create(ctx, must(contact.New(contact.Fields{Name: "Kept"}, "ana"))(t))
				return err
			}))

			failure := errors.New("the last step failed")
			var created *contact.Contact
			var createdDeal *deal.Deal
			err := b.work.Do(t.Context(), func(ctx context.Context, r conversion.Repos) (err error) {
				if created, err = r.Contacts().Create(ctx, must(contact.New(contact.Fields{Name: "Rolled back"}, "ana"))(t)); err != nil {
					return err
				}
				if createdDeal, err = r.Deals().Create(ctx, newDeal(t, created.ID(), l.ID())); err != nil {
					return err
				}
				if _, err := r.Leads().Lock(ctx, l.ID(), 1); err != nil {
					return err
				}
				if _, err := r.Leads().Update(ctx, l.ID(), 1, func(l *lead.Lead) (bool, error) { return true, l.MoveTo(lead.StatusLost, "ana") }); err != nil {
					return err
				}
				return failure
			})

			assert.Same(t, failure, err, "the unit of work's own error comes back as it is")
			_, err = b.contacts.Get(t.Context(), kept.ID())
			assert.NoError(t, err, "the committed unit of work stays")
			_, err = b.contacts.Get(t.Context(), created.ID())
			assert.ErrorIs(t, err, domain.ErrNotFound)
			_, err = b.deals.Get(t.Context(), createdDeal.ID())
			assert.ErrorIs(t, err, domain.ErrNotFound)
			got, err := b.leads.Get(t.Context(), l.ID())
			require.NoError(t, err)
			assert.Equal(t, l.Snapshot(), got.Snapshot(), "the lead is as it was")
			page, err := b.leads.History(t.Context(), l.ID(), record.Paging{})
			require.NoError(t, err)
			h := page.Items
			assert.Len(t, h, 1, "no event of the rolled back work is left")
			page, err = b.contacts.History(t.Context(), created.ID(), record.Paging{})
			require.NoError(t, err)
			h = page.Items
			assert.Empty(t, h)
			again := addDeal(t, b, kept.ID(), l.ID())
			assert.Greater(t, again.ID(), createdDeal.ID(), "ids are not handed out twice")
		})
	})
	t.Run("a lead locked at another version is the lock error", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			l := moveLead(t, b, addLead(t, b, lead.Fields{Name: "Ada"}), lead.StatusContacted)
			err := b.work.Do(t.Context(), func(ctx context.Context, r conversion.Repos) error {
				_, err := r.Leads().Lock(ctx, l.ID(), 1)
				return err
			})
			lock, ok := domain.AsOptimisticLock(err)
			require.True(t, ok, "got %v", err)
			assert.Equal(t, domain.OptimisticLockError{Kind: lead.Kind, ID: l.ID(), Expected: 1, Actual: 2}, *lock)
		})
	})
}

func TestDeletedRecordsLeaveEveryList(t *testing.T) {
	t.Parallel()
	del := func(t *testing.T, version int64, update func(int64, func(a stored) error) error) {
		t.Helper()
		require.NoError(t, update(version, func(a stored) error { return a.Delete("bruno") }))
	}
	eachBackend(t, func(t *testing.T, b backend) {
		keptLead := addLead(t, b, lead.Fields{Name: "Ada", Email: "ada@example.com"})
		goneLead := addLead(t, b, lead.Fields{Name: "Ada too", Email: "ada@example.com"})
		del(t, 1, func(v int64, f func(stored) error) error {
			_, err := b.leads.Update(t.Context(), goneLead.ID(), v, func(l *lead.Lead) (bool, error) { return true, f(l) })
			return err
		})
		// Deleted first, so the live one may have its email.
		goneContact := addContact(t, b, contact.Fields{Name: "Grace too", Email: "grace@navy.mil"})
		_, err := b.contacts.Update(t.Context(), goneContact.ID(), 1, func(c *contact.Contact) (bool, error) { return true, c.Delete("bruno") })
		require.NoError(t, err)
		keptContact := addContact(t, b, contact.Fields{Name: "Grace", Email: "grace@navy.mil"})
		keptDeal := addDeal(t, b, keptContact.ID(), 0)
		goneDeal := addDeal(t, b, keptContact.ID(), 0)
		for _, d := range []struct {
			id     int64
			update func(int64, func(stored) error) error
		}{
			{goneDeal.ID(), func(v int64, f func(stored) error) error {
				_, err := b.deals.Update(t.Context(), goneDeal.ID(), v, func(d *deal.Deal) (bool, error) { return true, f(d) })
				return err
			}},
		} {
			del(t, 1, d.update)
		}

		leadPage, err := b.leads.List(t.Context(), leads.ListQuery{})
		require.NoError(t, err)
		assert.Equal(t, []int64{keptLead.ID()}, ids(leadPage.Items))
		leadPage, err = b.leads.List(t.Context(), leads.ListQuery{Search: "ada", Status: lead.StatusNew})
		require.NoError(t, err)
		assert.Equal(t, []int64{keptLead.ID()}, ids(leadPage.Items))
		counts, err := b.leads.CountByStatus(t.Context())
		require.NoError(t, err)
		assert.Equal(t, 1, counts[lead.StatusNew])

		contactPage, err := b.contacts.List(t.Context(), contacts.ListQuery{Search: "grace"})
		require.NoError(t, err)
		assert.Equal(t, []int64{keptContact.ID()}, ids(contactPage.Items))
		found, err := b.contacts.FindByEmail(t.Context(), "grace@navy.mil")
		require.NoError(t, err)
		assert.Equal(t, keptContact.ID(), found.ID(), "a conversion never links a deleted contact")

		dealPage, err := b.deals.List(t.Context(), deals.ListQuery{})
		require.NoError(t, err)
		assert.Equal(t, []int64{keptDeal.ID()}, ids(dealPage.Items))
		byContact, err := b.deals.ListByContact(t.Context(), keptContact.ID())
		require.NoError(t, err)
		assert.Equal(t, []int64{keptDeal.ID()}, ids(byContact))

		_, err = b.deals.Create(t.Context(), newDeal(t, goneContact.ID(), 0))
		require.NoError(t, err, "a deleted contact still exists for what refers to it")
	})
}

func addView(t *testing.T, b backend, owner user.User, name string, shared bool) *savedview.View {
	t.Helper()
	v := must(savedview.New(savedview.Fields{Name: name, Query: "status=NEW", Shared: shared}, savedview.OwnerOf(owner)))(t)
	return must(b.views.Create(t.Context(), v))(t)
}

func TestSavedViewRepositories(t *testing.T) {
	t.Parallel()
	t.Run("a rep's tabs are their own views and the shared ones, by name as people read them", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria, john := b.rep(t, "maria"), b.rep(t, "john")
			zoe := addView(t, b, maria, "zoe", false)
			emile := addView(t, b, john, "Émile", true)
			bob := addView(t, b, maria, "Bob", true)
			johns := addView(t, b, john, "adam", false)
			adam := addView(t, b, maria, "adam", false) // the same name: then by id

			mine := must(b.views.Visible(t.Context(), maria.ID))(t)
			assert.Equal(t, []int64{adam.ID(), bob.ID(), emile.ID(), zoe.ID()}, ids(mine))
			assert.Equal(t, savedview.Owner{ID: maria.ID, Name: "maria"}, mine[0].Owner(), "with their owner")
			assert.Equal(t, []int64{johns.ID(), bob.ID(), emile.ID()}, ids(must(b.views.Visible(t.Context(), john.ID))(t)))
			ada := b.rep(t, "ada")
			assert.Equal(t, []int64{bob.ID(), emile.ID()}, ids(must(b.views.Visible(t.Context(), ada.ID))(t)), "a rep without views of their own sees the team's")
		})
	})
	t.Run("a deleted view leaves the tabs; restored, it is back", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria := b.rep(t, "maria")
			kept, gone := addView(t, b, maria, "Kept", true), addView(t, b, maria, "Gone", true)
			_, err := b.views.Update(t.Context(), gone.ID(), 1, func(v *savedview.View) (bool, error) { return true, v.Delete("maria") })
			require.NoError(t, err)
			assert.Equal(t, []int64{kept.ID()}, ids(must(b.views.Visible(t.Context(), maria.ID))(t)))

			_, err = b.views.Update(t.Context(), gone.ID(), 2, func(v *savedview.View) (bool, error) { return true, v.Undelete("maria") })
			require.NoError(t, err)
			assert.Equal(t, []int64{gone.ID(), kept.ID()}, ids(must(b.views.Visible(t.Context(), maria.ID))(t)))
		})
	})
}
