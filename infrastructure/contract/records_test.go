package contract_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/deals"
	"crm/usecase/entries"
	"crm/usecase/leads"
	"crm/usecase/record"
	"crm/usecase/savedviews"
	"crm/usecase/tasks"
)

// freshContacts numbers the contacts kinds' fresh makes, freshReps the
// reps a backend stores.
var freshContacts, freshReps atomic.Int64

// remove is the apply step of a delete by rep by.
func remove[A stored](by string) func(A) (bool, error) {
	return func(a A) (bool, error) { return true, a.Delete(by) }
}

// backend is one implementation of every repository, on a store of its own.
type backend struct {
	leads    leads.Repository
	contacts contacts.Repository
	deals    deals.Repository
	views    savedviews.Repository
	tasks    tasks.Repository
	entries  entries.Repository
	work     conversion.UnitOfWork
	// rep stores a user named name (with an email of their own), as a
	// view's owner must be one.
	rep func(t *testing.T, name string) user.User
}

// backends are the implementations every contract runs against, each
// building a fresh, empty store per test.
var backends = []struct {
	name string
	open func(t *testing.T) backend
}{
	{"postgres", func(t *testing.T) backend {
		db := pgtest.New(t)
		return backend{
			leads: postgres.NewLeadRepository(db.Pool), contacts: postgres.NewContactRepository(db.Pool),
			deals: postgres.NewDealRepository(db.Pool), views: postgres.NewSavedViewRepository(db.Pool),
			tasks:   postgres.NewTaskRepository(db.Pool),
			entries: postgres.NewEntryRepository(db.Pool),
			work:    postgres.NewUnitOfWork(db.Pool), rep: addRep(postgres.NewUserRepository(db.Pool)),
		}
	}},
	{"memory", func(*testing.T) backend {
		db := memory.New()
		return backend{leads: db.Leads, contacts: db.Contacts, deals: db.Deals, views: db.SavedViews, tasks: db.Tasks, entries: db.Entries, work: db,
			rep: addRep(memory.NewUsers())}
	}},
}

// addRep returns a backend's rep over users.
func addRep(users interface {
	Create(ctx context.Context, u user.User, passwordHash string) (user.User, error)
}) func(t *testing.T, name string) user.User {
	return func(t *testing.T, name string) user.User {
		t.Helper()
		email := fmt.Sprintf("%s%d@example.com", name, freshReps.Add(1)) // names repeat, emails may not
		return must(users.Create(t.Context(), user.User{Email: email, Name: name, Role: user.RoleRep}, "hash"))(t)
	}
}

// eachBackend runs test once per implementation, each on a fresh store.
func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	t.Helper()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			test(t, be.open(t))
		})
	}
}

// stored is what the record contract needs of an aggregate.
type stored interface {
	domain.AggregateRoot
	UpdatedBy() string
	CreatedAt() time.Time
	UpdatedAt() time.Time
	DeletedAt() time.Time
	Delete(by string) error
	Undelete(by string) error
}

// kind describes one kind of record to the contract: its repository in a
// backend, a valid new record, a change to it, and its complete state.
type kind[A stored] struct {
	name string
	repo func(b backend) record.Repository[A]
	// fresh returns a valid record not stored yet, made by rep "ana"
	// (storing what it refers to first, as a deal needs a contact).
	fresh func(t *testing.T, b backend) A
	// change is an apply step that changes the record to the n-th of
	// distinct values, on behalf of rep by.
	change func(n int, by string) func(A) (bool, error)
	// same is an apply step that sets the fields the record already has.
	same  func(A) (bool, error)
	state func(A) any // the record's complete state, to compare
	// fields are the record's own values, without what the store stamps.
	fields func(A) any
}

var (
	leadKind = kind[*lead.Lead]{
		name: lead.Kind,
		repo: func(b backend) record.Repository[*lead.Lead] { return b.leads },
		fresh: func(t *testing.T, _ backend) *lead.Lead {
			return must(lead.New(lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Score: 70}, "ana"))(t)
		},
		change: func(n int, by string) func(*lead.Lead) (bool, error) {
			return edit(by, func(f *lead.Fields) { f.Score = n % 101 }, (*lead.Lead).Fields, (*lead.Lead).Edit)
		},
		same:   edit("bruno", func(*lead.Fields) {}, (*lead.Lead).Fields, (*lead.Lead).Edit),
		state:  func(l *lead.Lead) any { return l.Snapshot() },
		fields: func(l *lead.Lead) any { return []any{l.Fields(), l.Status()} },
	}
	contactKind = kind[*contact.Contact]{
		name: contact.Kind,
		repo: func(b backend) record.Repository[*contact.Contact] { return b.contacts },
		fresh: func(t *testing.T, _ backend) *contact.Contact {
			// An email of its own: one live contact per email.
			email := fmt.Sprintf("grace%d@navy.mil", freshContacts.Add(1))
			// Notes keep their layout, leading newline and trailing spaces included.
			return must(contact.New(contact.Fields{Name: "Grace Hopper", Email: email, Notes: "\nMet at the expo.  \n\tPrefers email.\n"}, "ana"))(t)
		},
		change: func(n int, by string) func(*contact.Contact) (bool, error) {
			return edit(by, func(f *contact.Fields) {
				f.Phone = fmt.Sprintf("555 %04d", n)
				f.Notes = fmt.Sprintf("Called %d times.\nPrefers email.", n)
			}, (*contact.Contact).Fields, (*contact.Contact).Edit)
		},
		same:   edit("bruno", func(*contact.Fields) {}, (*contact.Contact).Fields, (*contact.Contact).Edit),
		state:  func(c *contact.Contact) any { return c.Snapshot() },
		fields: func(c *contact.Contact) any { return c.Fields() },
	}
	dealKind = kind[*deal.Deal]{
		name: deal.Kind,
		repo: func(b backend) record.Repository[*deal.Deal] { return b.deals },
		fresh: func(t *testing.T, b backend) *deal.Deal {
			c := must(b.contacts.Create(t.Context(), contactKind.fresh(t, b)))(t)
			return must(deal.New(deal.Fields{Title: "Engines", Amount: deal.Money{Minor: 1250_00, Currency: "EUR"}, Notes: "Budget signed.\n\n  Legal next."}, c.ID(), 0, "ana"))(t)
		},
		change: func(n int, by string) func(*deal.Deal) (bool, error) {
			return edit(by, func(f *deal.Fields) {
				f.Amount.Minor = int64(n) + 1
				f.Notes = fmt.Sprintf("Budget signed.\nRevision %d.", n)
			}, (*deal.Deal).Fields, (*deal.Deal).Edit)
		},
		same:   edit("bruno", func(*deal.Fields) {}, (*deal.Deal).Fields, (*deal.Deal).Edit),
		state:  func(d *deal.Deal) any { return d.Snapshot() },
		fields: func(d *deal.Deal) any { return []any{d.Fields(), d.Stage(), d.ContactID(), d.LeadID()} },
	}
	viewKind = kind[*savedview.View]{
		name: savedview.Kind,
		repo: func(b backend) record.Repository[*savedview.View] { return b.views },
		fresh: func(t *testing.T, b backend) *savedview.View {
			owner := b.rep(t, "ana")
			return must(savedview.New(savedview.Fields{Name: "Hot leads", Query: "score_min=80&sort=score"}, savedview.OwnerOf(owner)))(t)
		},
		change: func(n int, by string) func(*savedview.View) (bool, error) {
			return edit(by, func(f *savedview.Fields) { f.Name = fmt.Sprintf("Hot leads %d", n) }, (*savedview.View).Fields, (*savedview.View).Edit)
		},
		same:   edit("bruno", func(*savedview.Fields) {}, (*savedview.View).Fields, (*savedview.View).Edit),
		state:  func(v *savedview.View) any { return v.Snapshot() },
		fields: func(v *savedview.View) any { return []any{v.Fields(), v.Owner()} },
	}
	taskKind = kind[*task.Task]{
		name: task.Kind,
		repo: func(b backend) record.Repository[*task.Task] { return b.tasks },
		fresh: func(t *testing.T, b backend) *task.Task {
			rep := b.rep(t, "ana")
			return must(task.New(task.Fields{Title: "Call back", Due: time.Date(2026, 11, 10, 9, 30, 0, 0, time.UTC),
				Assignee: task.Assignee{ID: rep.ID, Name: rep.Name}, Priority: task.PriorityHigh}, task.Link{}, "ana"))(t)
		},
		change: func(n int, by string) func(*task.Task) (bool, error) {
			return edit(by, func(f *task.Fields) { f.Title = fmt.Sprintf("Call back %d", n) }, (*task.Task).Fields, (*task.Task).Edit)
		},
		same:   edit("bruno", func(*task.Fields) {}, (*task.Task).Fields, (*task.Task).Edit),
		state:  func(tk *task.Task) any { return tk.Snapshot() },
		fields: func(tk *task.Task) any { return []any{tk.Fields(), tk.Link()} },
	}
	entryKind = kind[*entry.Entry]{
		name: entry.Kind,
		repo: func(b backend) record.Repository[*entry.Entry] { return b.entries },
		fresh: func(t *testing.T, b backend) *entry.Entry {
			author := b.rep(t, "ana")
			return must(entry.New(entry.Fields{Type: entry.TypeCall, Body: "Asked for a trial.\nCall back Monday.",
				Outcome: entry.OutcomeConnected, Duration: 12}, entry.Ref{Kind: lead.Kind, ID: 1}, entry.AuthorOf(author),
				time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)))(t)
		},
		change: func(n int, by string) func(*entry.Entry) (bool, error) {
			return edit(by, func(f *entry.Fields) { f.Duration = n%1440 + 1 }, (*entry.Entry).Fields, (*entry.Entry).Edit)
		},
		same:  edit("bruno", func(*entry.Fields) {}, (*entry.Entry).Fields, (*entry.Entry).Edit),
		state: func(e *entry.Entry) any { return e.Snapshot() },
		fields: func(e *entry.Entry) any {
			return []any{e.Fields(), e.RecordRef(), e.Author(), e.OccurredAt(), e.Hidden()}
		},
	}
)

// must takes a value and an error, as a constructor returns them, and
// gives the value to a test after failing it on the error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

// edit is an apply step that edits the fields as the use case does.
func edit[A, F any](by string, change func(*F), fields func(A) F, editFn func(A, F, string) ([]string, error)) func(A) (bool, error) {
	return func(a A) (bool, error) {
		f := fields(a)
		change(&f)
		changed, err := editFn(a, f, by)
		return len(changed) > 0, err
	}
}

func TestRecordRepositories(t *testing.T) {
	t.Parallel()
	t.Run(leadKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, leadKind) })
	t.Run(contactKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, contactKind) })
	t.Run(dealKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, dealKind) })
	t.Run(viewKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, viewKind) })
	t.Run(taskKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, taskKind) })
	t.Run(entryKind.name, func(t *testing.T) { t.Parallel(); recordContract(t, entryKind) })
}

// recordContract is what every versioned repository promises, whatever it
// stores and wherever it stores it.
func recordContract[A stored](t *testing.T, k kind[A]) {
	// create stores a fresh record of k in b.
	create := func(t *testing.T, b backend) A {
		t.Helper()
		a, err := k.repo(b).Create(t.Context(), k.fresh(t, b))
		require.NoError(t, err)
		return a
	}
	notCalled := func(t *testing.T) func(A) (bool, error) {
		return func(A) (bool, error) {
			t.Error("apply called")
			return true, nil
		}
	}
	// requireLock checks err is the typed optimistic-lock error.
	requireLock := func(t *testing.T, err error, id, expected, actual int64) {
		t.Helper()
		lock, ok := domain.AsOptimisticLock(err)
		require.True(t, ok, "want an optimistic-lock error, got %v", err)
		assert.Equal(t, domain.OptimisticLockError{Kind: k.name, ID: id, Expected: expected, Actual: actual}, *lock)
		assert.False(t, errors.Is(err, domain.ErrNotFound))
	}
	// requireNotFound checks err names the missing record of k.
	requireNotFound := func(t *testing.T, err error, id int64) {
		t.Helper()
		var missing *domain.NotFoundError
		require.ErrorAs(t, err, &missing)
		assert.Equal(t, domain.NotFoundError{Kind: k.name, ID: id}, *missing)
		assert.ErrorIs(t, err, domain.ErrNotFound)
		assert.False(t, domain.IsOptimisticLock(err))
	}
	history := func(t *testing.T, b backend, id int64) []domain.RecordedEvent {
		t.Helper()
		page, err := k.repo(b).History(t.Context(), id, record.Paging{})
		require.NoError(t, err)
		h := page.Items
		return h
	}

	t.Run("a created record is at version 1 and reads back as stored", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			fresh := k.fresh(t, b)
			created, err := k.repo(b).Create(t.Context(), fresh)
			require.NoError(t, err)

			assert.Positive(t, created.ID())
			assert.Equal(t, int64(1), created.Version())
			assert.Equal(t, "ana", created.UpdatedBy())
			assert.False(t, created.CreatedAt().IsZero())
			assert.Equal(t, created.CreatedAt(), created.UpdatedAt())
			assert.Empty(t, fresh.DomainEvents(), "stored events are cleared")
			got, err := k.repo(b).Get(t.Context(), created.ID())
			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(got))
			v1, err := k.repo(b).Version(t.Context(), created.ID(), 1)
			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(v1))
			another := create(t, b)
			assert.Greater(t, another.ID(), created.ID(), "ids grow")
		})
	})

	t.Run("a missing record is not found, never a conflict", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			const id = 424242
			_, err := k.repo(b).Get(t.Context(), id)
			requireNotFound(t, err, id)
			_, err = k.repo(b).Version(t.Context(), id, 1)
			requireNotFound(t, err, id)
			_, err = k.repo(b).Update(t.Context(), id, 1, notCalled(t))
			requireNotFound(t, err, id)
			assert.Empty(t, history(t, b, id))
		})
	})

	t.Run("a save from the current version bumps it and keeps every version", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			created := create(t, b)

			saved, err := k.repo(b).Update(t.Context(), created.ID(), 1, k.change(1, "bruno"))
			require.NoError(t, err)

			assert.Equal(t, int64(2), saved.Version())
			assert.Equal(t, "bruno", saved.UpdatedBy())
			assert.Equal(t, created.CreatedAt(), saved.CreatedAt())
			got, err := k.repo(b).Get(t.Context(), created.ID())
			require.NoError(t, err)
			assert.Equal(t, k.state(saved), k.state(got))
			v1, err := k.repo(b).Version(t.Context(), created.ID(), 1)
			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(v1), "version 1 is still readable as it was")
			_, err = k.repo(b).Version(t.Context(), created.ID(), 3)
			requireNotFound(t, err, created.ID())
		})
	})

	t.Run("Versions reads a range of saved versions, oldest first", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			var saved []A
			for v := int64(1); v <= 3; v++ {
				saved = append(saved, must(k.repo(b).Update(t.Context(), id, v, k.change(int(v), "ana")))(t))
			}

			got, err := k.repo(b).Versions(t.Context(), id, 2, 3)
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, k.state(saved[0]), k.state(got[0]))
			assert.Equal(t, k.state(saved[1]), k.state(got[1]))
			all, err := k.repo(b).Versions(t.Context(), id, 0, 99)
			require.NoError(t, err)
			assert.Len(t, all, 4, "only the versions saved")
			none, err := k.repo(b).Versions(t.Context(), 424242, 1, 9)
			require.NoError(t, err)
			assert.Empty(t, none)
		})
	})

	t.Run("a stale save is the typed lock error and changes nothing", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			first, err := k.repo(b).Update(t.Context(), id, 1, k.change(1, "ana"))
			require.NoError(t, err)

			_, err = k.repo(b).Update(t.Context(), id, 1, notCalled(t))

			requireLock(t, err, id, 1, 2)
			got, err := k.repo(b).Get(t.Context(), id)
			require.NoError(t, err)
			assert.Equal(t, k.state(first), k.state(got), "the first save is kept")
			assert.Len(t, history(t, b, id), 2, "no event for the stale save")
		})
	})

	t.Run("a save of a record as read writes it at its version, and loses to a save made since the read", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			read := must(k.repo(b).Get(t.Context(), id))(t)
			stale := must(k.repo(b).Get(t.Context(), id))(t)

			saved, err := k.repo(b).UpdateLoaded(t.Context(), read, k.change(1, "ana"))
			require.NoError(t, err)
			assert.Equal(t, int64(2), saved.Version())
			_, err = k.repo(b).UpdateLoaded(t.Context(), stale, k.change(2, "bruno"))

			requireLock(t, err, id, 1, 2)
			got := must(k.repo(b).Get(t.Context(), id))(t)
			assert.Equal(t, k.state(saved), k.state(got), "the first save is kept")
			assert.Len(t, history(t, b, id), 2, "no event for the stale save")
		})
	})

	t.Run("a save that changes nothing keeps the version and records nothing", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			created := create(t, b)

			got, err := k.repo(b).Update(t.Context(), created.ID(), 1, k.same)

			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(got))
			assert.Len(t, history(t, b, created.ID()), 1)
		})
	})

	t.Run("a save that changes nothing answers with its own version, not a newer one saved meanwhile", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			created := create(t, b)

			got, err := k.repo(b).Update(t.Context(), created.ID(), 1, func(a A) (bool, error) {
				_, err := k.repo(b).Update(t.Context(), created.ID(), 1, k.change(1, "bruno"))
				require.NoError(t, err)
				return k.same(a)
			})

			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(got), "it wrote nothing, so it shows no one else's write")
		})
	})

	t.Run("an error from apply passes through and writes nothing", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			created := create(t, b)
			rule := &domain.RuleError{Message: "No."}

			_, err := k.repo(b).Update(t.Context(), created.ID(), 1, func(a A) (bool, error) {
				_, _ = k.change(1, "bruno")(a)
				return true, rule
			})

			assert.Same(t, rule, err)
			got, err := k.repo(b).Get(t.Context(), created.ID())
			require.NoError(t, err)
			assert.Equal(t, k.state(created), k.state(got))
		})
	})

	t.Run("every committed write has exactly its events, newest first", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			// recorded are the events the aggregate recorded for each save
			// that committed, oldest first, as the store should keep them.
			fresh := k.fresh(t, b)
			recorded := slices.Clone(fresh.DomainEvents())
			id := must(k.repo(b).Create(t.Context(), fresh))(t).ID()
			for v := int64(1); v <= 3; v++ {
				_, err := k.repo(b).Update(t.Context(), id, v, func(a A) (bool, error) {
					changed, err := k.change(int(v), fmt.Sprintf("rep%d", v))(a)
					recorded = append(recorded, a.DomainEvents()...)
					return changed, err
				})
				require.NoError(t, err)
			}
			_, err := k.repo(b).Update(t.Context(), id, 4, k.same)
			require.NoError(t, err, "a save that changes nothing")
			_, err = k.repo(b).Update(t.Context(), id, 2, notCalled(t))
			requireLock(t, err, id, 2, 4)
			_, err = k.repo(b).Update(t.Context(), id, 4, func(a A) (bool, error) {
				_, _ = k.change(9, "nobody")(a)
				return true, errors.New("refused")
			})
			require.Error(t, err, "a save whose apply fails")

			events := history(t, b, id)
			require.Len(t, events, 4, "no event for the unchanged, stale or refused saves")
			for i, e := range events {
				version := int64(4 - i)
				want := recorded[version-1]
				if want.Changes == nil {
					want.Changes = []domain.Change{}
				}
				if want.Refs == nil {
					want.Refs = map[string]int64{}
				}
				assert.Equal(t, want, e.Event, "event %d", i)
				assert.Equal(t, version, e.Version, "event %d", i)
				assert.Equal(t, k.name, e.Kind)
				assert.Equal(t, id, e.AggregateID)
				assert.False(t, e.At.IsZero())
			}
			assert.Equal(t, "ana", events[3].Actor)
			assert.Equal(t, "rep3", events[0].Actor)
			assert.NotEmpty(t, events[0].Changes, "an edit says what it changed")
		})
	})

	t.Run("the history pages newest first by event id, without gaps or repeats", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			other := create(t, b).ID() // its events interleave with id's
			for v := int64(1); v <= 6; v++ {
				for _, rid := range []int64{id, other} {
					_, err := k.repo(b).Update(t.Context(), rid, v, k.change(int(v), "ana"))
					require.NoError(t, err)
				}
			}
			var versions []int64
			p := record.Paging{Limit: 3}
			for pages := 1; ; pages++ {
				require.LessOrEqual(t, pages, 10, "the cursor does not end")
				page, err := k.repo(b).History(t.Context(), id, p)
				require.NoError(t, err)
				for i, e := range page.Items {
					assert.Equal(t, id, e.AggregateID)
					if i > 0 {
						assert.Less(t, e.ID, page.Items[i-1].ID, "newest first")
					}
					versions = append(versions, e.Version)
				}
				if page.Next == 0 {
					assert.Equal(t, 3, pages, "7 events, 3 a page")
					break
				}
				assert.Len(t, page.Items, 3, "only the last page is short")
				assert.Equal(t, page.Items[2].ID, page.Next, "the cursor is the last event shown")
				p.After = page.Next
			}
			assert.Equal(t, []int64{7, 6, 5, 4, 3, 2, 1}, versions)

			all, err := k.repo(b).History(t.Context(), id, record.Paging{Limit: 7})
			require.NoError(t, err)
			assert.Len(t, all.Items, 7)
			assert.Zero(t, all.Next, "exactly one page has no next")
		})
	})

	t.Run("a save that lands between the read and the compare-and-swap wins", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			var inner A

			_, err := k.repo(b).Update(t.Context(), id, 1, func(a A) (bool, error) {
				var err error
				inner, err = k.repo(b).Update(t.Context(), id, 1, k.change(1, "ana"))
				require.NoError(t, err)
				return k.change(2, "bruno")(a)
			})

			requireLock(t, err, id, 1, 2)
			got, err := k.repo(b).Get(t.Context(), id)
			require.NoError(t, err)
			assert.Equal(t, k.state(inner), k.state(got))
		})
	})

	t.Run("a record deleted between the read and the save loses the race", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()

			_, err := k.repo(b).Update(t.Context(), id, 1, func(a A) (bool, error) {
				_, err := k.repo(b).Update(t.Context(), id, 1, remove[A]("ana"))
				require.NoError(t, err)
				return k.change(1, "bruno")(a)
			})

			requireLock(t, err, id, 1, 2)
			got, err := k.repo(b).Get(t.Context(), id)
			require.NoError(t, err)
			assert.True(t, got.Deleted(), "the delete stands")
		})
	})

	t.Run("a delete is a version: the record stays readable, takes no edit, and a restore brings it back", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			id := create(t, b).ID()
			v2, err := k.repo(b).Update(t.Context(), id, 1, k.change(1, "ana"))
			require.NoError(t, err)

			_, err = k.repo(b).Update(t.Context(), id, 1, remove[A]("bruno"))
			requireLock(t, err, id, 1, 2)
			deleted, err := k.repo(b).Update(t.Context(), id, 2, remove[A]("bruno"))
			require.NoError(t, err)
			assert.True(t, deleted.Deleted())
			assert.Equal(t, int64(3), deleted.Version())
			assert.Equal(t, "bruno", deleted.UpdatedBy(), "the version says who deleted it")
			assert.False(t, deleted.DeletedAt().IsZero(), "and when")

			got, err := k.repo(b).Get(t.Context(), id)
			require.NoError(t, err, "a deleted record is kept")
			assert.True(t, got.Deleted())
			assert.Equal(t, deleted.DeletedAt(), got.DeletedAt())
			assert.Equal(t, k.fields(v2), k.fields(got), "deleting changes no field")
			old, err := k.repo(b).Version(t.Context(), id, 2)
			require.NoError(t, err)
			assert.False(t, old.Deleted(), "the versions before the delete are live")

			_, err = k.repo(b).Update(t.Context(), id, 3, k.change(2, "carla"))
			var gone *domain.DeletedError
			require.ErrorAs(t, err, &gone, "a deleted record takes no edit")
			assert.Equal(t, "bruno", gone.By)
			assert.Equal(t, deleted.DeletedAt(), gone.At)

			restored, err := k.repo(b).Update(t.Context(), id, 3, func(a A) (bool, error) { return true, a.Undelete("carla") })
			require.NoError(t, err)
			assert.False(t, restored.Deleted())
			assert.True(t, restored.DeletedAt().IsZero())
			assert.Equal(t, int64(4), restored.Version())
			assert.Equal(t, k.fields(v2), k.fields(restored), "restored as it was deleted")
			names := []string{}
			for _, e := range history(t, b, id)[:2] {
				names = append(names, e.Name+" by "+e.Actor)
			}
			assert.Equal(t, []string{domain.EventRestored + " by carla", domain.EventDeleted + " by bruno"}, names)
		})
	})

	t.Run("ten savers from one version: exactly one wins", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			for range 10 {
				id := create(t, b).ID()
				start := make(chan struct{})
				errs := make([]error, 10)
				saved := make([]A, 10)
				var wg sync.WaitGroup
				for i := range 10 {
					wg.Go(func() {
						<-start
						saved[i], errs[i] = k.repo(b).Update(context.Background(), id, 1, k.change(i+1, fmt.Sprintf("rep%d", i)))
					})
				}
				close(start)
				wg.Wait()

				winner := -1
				for i, err := range errs {
					if err == nil {
						require.Equal(t, -1, winner, "savers %d and %d both won", winner, i)
						winner = i
						continue
					}
					requireLock(t, err, id, 1, 2)
				}
				require.NotEqual(t, -1, winner, "nobody won")
				got, err := k.repo(b).Get(t.Context(), id)
				require.NoError(t, err)
				assert.Equal(t, k.state(saved[winner]), k.state(got), "the winner's save is what is stored")
				assert.Len(t, history(t, b, id), 2, "one created, one saved")
			}
		})
	})
}
