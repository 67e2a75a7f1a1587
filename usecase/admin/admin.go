// Package admin holds what only admins do: manage users and API tokens,
// purge the Trash and read the audit log. Every action, and every refusal
// of one, goes to the audit log: who, what, to what, when, done or not.
package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"crm/domain"
	"crm/domain/user"
	"crm/usecase/auth"
	"crm/usecase/trash"
)

// Entry is one line of the audit log.
type Entry struct {
	ID     int64
	At     time.Time
	Actor  string // the email of who acted, or tried to
	Action string // e.g. "user.add", "token.revoke", "trash.purge"
	Target string // what it acted on, e.g. "user 7", "token 3"
	Done   bool   // false for a refusal
	Detail string // what was done, or why it was refused
}

// Log stores the audit log.
type Log interface {
	Record(ctx context.Context, e Entry) error
	// List returns up to limit entries older than entry before (every
	// entry for 0), newest first.
	List(ctx context.Context, before int64, limit int) ([]Entry, error)
}

// PageSize is how many audit entries a page shows.
const PageSize = 100

// Service runs the admin use cases.
type Service struct {
	auth   *auth.Service
	log    Log
	purger trash.Purger
	now    func() time.Time
}

// NewService returns the admin use cases over the sign-in use cases, the
// audit log and the Trash's purger.
func NewService(a *auth.Service, log Log, purger trash.Purger) *Service {
	return &Service{auth: a, log: log, purger: purger, now: time.Now}
}

// refuse records that actor was refused action on target and returns the
// refusal, a *domain.ForbiddenError.
func (s *Service) refuse(ctx context.Context, actor user.User, action, target, what string) error {
	refusal := &domain.ForbiddenError{Message: "Only an admin may " + what + "; ask one of your admins."}
	if err := s.log.Record(ctx, Entry{Actor: actor.Email, Action: action, Target: target, Detail: "refused: not an admin"}); err != nil {
		return fmt.Errorf("record refusal of %s: %w (refused: %w)", action, err, refusal)
	}
	return refusal
}

// act runs do for actor, an admin, and records it: done with do's detail,
// or refused with the rule or input that stopped it. An outage is not a
// refusal and is not recorded (nothing happened, nobody was told no).
func (s *Service) act(ctx context.Context, actor user.User, action, target, what string, do func() (string, error)) error {
	if !actor.Admin() {
		return s.refuse(ctx, actor, action, target, what)
	}
	detail, err := do()
	var (
		rule    *domain.RuleError
		invalid *domain.ValidationError
	)
	switch {
	case err == nil:
	case errors.As(err, &rule):
		detail = "refused: " + rule.Message
	case errors.As(err, &invalid):
		detail = "refused: " + invalid.Error()
	case errors.Is(err, domain.ErrNotFound):
		detail = "refused: not found"
	default:
		return err
	}
	if rerr := s.log.Record(ctx, Entry{Actor: actor.Email, Action: action, Target: target, Done: err == nil, Detail: detail}); rerr != nil {
		if err == nil && errors.Is(rerr, domain.ErrUnavailable) {
			// do's change is stored; only its entry may be missing. "Nothing
			// was saved" would be a lie that has the admin do it again.
			return fmt.Errorf("%s done, its audit entry not recorded: %w: %w", action, domain.ErrCommitUnknown, rerr)
		}
		return errors.Join(err, fmt.Errorf("record %s: %w", action, rerr))
	}
	return err
}

// Users returns every user, for an admin.
func (s *Service) Users(ctx context.Context, actor user.User) ([]user.User, error) {
	if !actor.Admin() {
		return nil, s.refuse(ctx, actor, "user.list", "", "see the users")
	}
	return s.auth.Users(ctx)
}

// AddUser adds a user with password and role, for an admin.
func (s *Service) AddUser(ctx context.Context, actor user.User, email, name, password string, role user.Role) (user.User, error) {
	var added user.User
	err := s.act(ctx, actor, "user.add", email, "add users", func() (string, error) {
		u, err := s.auth.AddUser(ctx, email, name, password, role)
		added = u
		return fmt.Sprintf("added %s <%s> as %s (user %d)", u.Name, u.Email, u.Role, u.ID), err
	})
	return added, err
}

// ChangeUser sets user id's role and deactivation and, unless password is
// empty, resets their password, for an admin; see auth.Service.Change.
func (s *Service) ChangeUser(ctx context.Context, actor user.User, id int64, role user.Role, deactivated bool, password string) (user.User, error) {
	var changed user.User
	err := s.act(ctx, actor, "user.change", "user "+strconv.FormatInt(id, 10), "change users", func() (string, error) {
		u, err := s.auth.Change(ctx, id, role, deactivated, password)
		changed = u
		detail := fmt.Sprintf("%s <%s>: %s", u.Name, u.Email, u.Role)
		if u.Deactivated {
			detail += ", deactivated"
		}
		if password != "" {
			detail += ", password reset"
		}
		return detail, err
	})
	return changed, err
}

// Tokens returns every API token, for an admin.
func (s *Service) Tokens(ctx context.Context, actor user.User) ([]auth.Token, error) {
	if !actor.Admin() {
		return nil, s.refuse(ctx, actor, "token.list", "", "see the API tokens")
	}
	return s.auth.Tokens(ctx, "")
}

// RevokeToken revokes token id, for an admin.
func (s *Service) RevokeToken(ctx context.Context, actor user.User, id int64) error {
	return s.act(ctx, actor, "token.revoke", "token "+strconv.FormatInt(id, 10), "revoke API tokens", func() (string, error) {
		t, err := s.auth.RevokeToken(ctx, id)
		return "revoked a token of " + t.UserEmail, err
	})
}

// Purge removes for good what was deleted more than olderThan ago, for an
// admin.
func (s *Service) Purge(ctx context.Context, actor user.User, olderThan time.Duration) (trash.Purged, error) {
	var n trash.Purged
	err := s.act(ctx, actor, "trash.purge", "deleted before "+s.now().Add(-olderThan).UTC().Format(time.RFC3339), "purge the Trash",
		func() (string, error) {
			if olderThan < 0 {
				return "", &domain.RuleError{Field: "days", Message: "The age must be 0 days or more."}
			}
			var err error
			n, err = s.purger.Purge(ctx, s.now().Add(-olderThan))
			return fmt.Sprintf("purged %d leads, %d contacts, %d deals, %d saved views, %d tasks, %d entries", n.Leads, n.Contacts, n.Deals, n.Views, n.Tasks, n.Entries), err
		})
	return n, err
}

// Audit returns one page of the audit log, newest first, older than entry
// before (the newest for 0), for an admin; next is the cursor of the
// following page, 0 on the last.
func (s *Service) Audit(ctx context.Context, actor user.User, before int64) (entries []Entry, next int64, err error) {
	if !actor.Admin() {
		return nil, 0, s.refuse(ctx, actor, "audit.list", "", "read the audit log")
	}
	got, err := s.log.List(ctx, before, PageSize+1)
	if err != nil {
		return nil, 0, fmt.Errorf("read the audit log: %w", err)
	}
	if len(got) > PageSize {
		got = got[:PageSize]
		next = got[PageSize-1].ID
	}
	return got, next, nil
}
