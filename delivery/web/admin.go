package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"crm/delivery/web/views"
	"crm/domain/user"
	"crm/usecase/admin"
	"crm/usecase/auth"
	"crm/usecase/trash"
)

// AdminService is what the admin pages need; every method refuses a user
// who is not an admin with a *domain.ForbiddenError (a 403), and records
// actions and refusals in the audit log.
type AdminService interface {
	Users(ctx context.Context, actor user.User) ([]user.User, error)
	AddUser(ctx context.Context, actor user.User, email, name, password string, role user.Role) (user.User, error)
	ChangeUser(ctx context.Context, actor user.User, id int64, role user.Role, deactivated bool, password string) (user.User, error)
	Tokens(ctx context.Context, actor user.User) ([]auth.Token, error)
	RevokeToken(ctx context.Context, actor user.User, id int64) error
	Purge(ctx context.Context, actor user.User, olderThan time.Duration) (trash.Purged, error)
	Audit(ctx context.Context, actor user.User, before int64) ([]admin.Entry, int64, error)
}

// adminRoutes serves the admin pages. Every rep may ask; the use case
// answers a rep with 403 and records the refusal.
func (s *server) adminRoutes(r chi.Router) {
	r.Get("/admin/users", s.handle(s.showUsers))
	r.Post("/admin/users", s.handle(s.addUser))
	r.Post("/admin/users/{id}", s.handle(s.changeUser))
	r.Get("/admin/tokens", s.handle(s.showTokens))
	r.Post("/admin/tokens/{id}/revoke", s.handle(s.revokeToken))
	r.Get("/admin/audit", s.handle(s.showAudit))
	r.Post("/admin/purge", s.handle(s.purge))
}

// adminNotices are the messages a redirect may ask the admin pages to show.
var adminNotices = map[string]string{
	"added": "User added.", "changed": "User changed.", "revoked": "Token revoked: it stops working at once.",
}

func (s *server) showUsers(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, views.UsersView{Notice: adminNotices[r.URL.Query().Get("notice")]})
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v views.UsersView) error {
	users, err := s.admin.Users(r.Context(), me(r))
	if err != nil {
		return err
	}
	v.Users, v.Me = users, me(r).ID
	if v.Form.Values == nil {
		v.Form = views.Form{Prefix: "new-user", Values: map[string]string{user.FieldRole: string(user.RoleRep)}}
	}
	page := views.UsersPage(v)
	s.render(w, r, status, page, page)
	return nil
}

func (s *server) addUser(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	values := formValues(r, user.FieldEmail, user.FieldName, user.FieldPassword, user.FieldRole)
	role, err := user.ParseRole(values[user.FieldRole])
	if err == nil {
		_, err = s.admin.AddUser(r.Context(), me(r), values[user.FieldEmail], values[user.FieldName], values[user.FieldPassword], role)
	}
	if isInvalid(err) {
		values[user.FieldPassword] = "" // never sent back
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, views.UsersView{
			Form: views.Form{Prefix: "new-user", Values: values, Errors: fieldErrors(err)}})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/users?notice=added")
	return nil
}

func (s *server) changeUser(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return errPageNotFound
	}
	if err := parseForm(r); err != nil {
		return err
	}
	role, err := user.ParseRole(r.PostForm.Get(user.FieldRole))
	if err == nil {
		_, err = s.admin.ChangeUser(r.Context(), me(r), id, role, r.PostForm.Get("deactivated") == "true", r.PostForm.Get(user.FieldPassword))
	}
	if isInvalid(err) {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, views.UsersView{Failed: id, Problem: problemText(err)})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/users?notice=changed")
	return nil
}

// problemText is a refusal's messages as one sentence.
func problemText(err error) string {
	msgs := slices.Sorted(maps.Values(fieldErrors(err)))
	if len(msgs) == 0 {
		return ruleMessage(err)
	}
	return strings.Join(msgs, " ")
}

func (s *server) showTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.admin.Tokens(r.Context(), me(r))
	if err != nil {
		return err
	}
	page := views.TokensPage(views.TokensView{Tokens: tokens, Now: time.Now(), Notice: adminNotices[r.URL.Query().Get("notice")]})
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return errPageNotFound
	}
	if err := s.admin.RevokeToken(r.Context(), me(r), id); err != nil {
		return err
	}
	redirect(w, r, "/admin/tokens?notice=revoked")
	return nil
}

func (s *server) showAudit(w http.ResponseWriter, r *http.Request) error {
	var before int64
	if raw := r.URL.Query().Get("before"); raw != "" {
		var err error
		if before, err = strconv.ParseInt(raw, 10, 64); err != nil || before < 1 {
			return &badRequest{msg: "The page cursor is not valid."}
		}
	}
	entries, next, err := s.admin.Audit(r.Context(), me(r), before)
	if err != nil {
		return err
	}
	v := views.AuditView{Entries: entries}
	if next != 0 {
		v.Next = "/admin/audit?before=" + strconv.FormatInt(next, 10)
	}
	page := views.AuditPage(v)
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

// maxPurgeDays bounds the age a purge form takes (a hundred years).
const maxPurgeDays = 36500

func (s *server) purge(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days")))
	if err != nil || days < 0 || days > maxPurgeDays {
		return &badRequest{msg: fmt.Sprintf("Days must be a whole number from 0 to %d.", maxPurgeDays)}
	}
	n, err := s.admin.Purge(r.Context(), me(r), time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/trash?purged=%d,%d,%d,%d,%d,%d", n.Leads, n.Contacts, n.Deals, n.Views, n.Tasks, n.Entries))
	return nil
}

// me is the signed-in user of r.
func me(r *http.Request) user.User {
	u, _ := views.CurrentUser(r.Context())
	return u
}
