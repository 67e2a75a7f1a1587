package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
)

// ContactService is what the pages need from the contact use cases.
type ContactService interface {
	Create(ctx context.Context, by string, f contact.Fields) (*contact.Contact, error)
	Get(ctx context.Context, id int64) (*contact.Contact, error)
	List(ctx context.Context, q contacts.ListQuery) (contacts.Page, error)
	Save(ctx context.Context, by string, id, version int64, f contact.Fields) (contacts.Saved, error)
	historyReader
}

// contactNotices are the only messages a redirect may ask a contact page
// to show, so a link cannot make the page say anything else.
var contactNotices = map[string]string{
	"created": "Contact created.",
	"saved":   "Saved.",
}

var errContactNotFound = &httpError{status: http.StatusNotFound, title: "Contact not found",
	msg: "It does not exist or someone deleted it."}

// failContact answers err as fail does, naming the contact when it is the
// thing not found (the error table's own 404 speaks of leads).
func (s *server) failContact(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, domain.ErrNotFound) {
		err = fmt.Errorf("%w: %w", errContactNotFound, err)
	}
	s.fail(w, r, err)
}

// listQuery reads the search and the page cursor every list takes.
func listQuery(r *http.Request) (search string, after int64, err error) {
	q := r.URL.Query()
	search = strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(search) || utf8.RuneCountInString(search) > maxSearchLen {
		return "", 0, &badRequest{msg: fmt.Sprintf("Search text must be valid text of at most %d characters.", maxSearchLen)}
	}
	if raw := q.Get("after"); raw != "" {
		after, err = strconv.ParseInt(raw, 10, 64)
		if err != nil || after < 1 {
			return "", 0, &badRequest{msg: "The page cursor is not valid."}
		}
	}
	return search, after, nil
}

func (s *server) listContacts(w http.ResponseWriter, r *http.Request) {
	search, after, err := listQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.contacts.List(r.Context(), contacts.ListQuery{Search: search, After: after})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := views.ContactListView{Search: search, Contacts: page.Contacts, Next: page.Next,
		Notice: contactNotices[r.URL.Query().Get("notice")]}
	if isHTMX(r) && after > 0 {
		s.render(w, r, http.StatusOK, nil, views.ContactRows(v))
		return
	}
	s.render(w, r, http.StatusOK, views.ContactListPage(v), views.ContactResults(v))
}

func (s *server) newContact(w http.ResponseWriter, r *http.Request) {
	v := views.NewContactView{Form: views.Form{Prefix: contact.Kind, Values: map[string]string{}}}
	s.render(w, r, http.StatusOK, views.NewContactPage(v), views.NewContactForm(v))
}

// decodeContactForm reads a contact form: the values exactly as typed (to
// show them again) and the fields for the use case.
func decodeContactForm(r *http.Request) (map[string]string, contact.Fields) {
	values := make(map[string]string, len(contact.EditableFields))
	for _, name := range contact.EditableFields {
		values[name] = r.PostForm.Get(name)
	}
	return values, contact.Fields{
		Name: values[contact.FieldName], Email: values[contact.FieldEmail],
		Phone: values[contact.FieldPhone], Company: values[contact.FieldCompany],
	}
}

func (s *server) createContact(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	values, f := decodeContactForm(r)
	created, err := s.contacts.Create(r.Context(), actor(r), f)
	if err != nil {
		if isInvalid(err) {
			v := views.NewContactView{Form: views.Form{Prefix: contact.Kind, Values: values, Errors: fieldErrors(err)}}
			s.render(w, r, http.StatusUnprocessableEntity, views.NewContactPage(v), views.NewContactForm(v))
			return
		}
		s.fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/contacts/%d?notice=created", created.ID()))
}

func (s *server) showContact(w http.ResponseWriter, r *http.Request) {
	id, err := leadID(r) // any aggregate's {id}: a positive number
	if err != nil {
		s.failContact(w, r, err)
		return
	}
	c, err := s.contacts.Get(r.Context(), id)
	if err != nil {
		s.failContact(w, r, err)
		return
	}
	v := views.ContactView{Contact: c, Form: views.FormFromContact(c), Notice: contactNotices[r.URL.Query().Get("notice")]}
	v.Deals = s.contactDeals(r.Context(), id)
	s.renderContact(w, r, http.StatusOK, v)
}

// contactDeals reads the deals of contact id for its page. As with the
// history, a failure is logged and shown in place of the list rather than
// failing the page.
func (s *server) contactDeals(ctx context.Context, id int64) views.ContactDeals {
	ds, err := s.deals.ListByContact(ctx, id)
	if err != nil {
		s.log.WarnContext(ctx, "contact deals unavailable", "err", err, "id", id, "request_id", requestID(ctx))
		return views.ContactDeals{ContactID: id, Unavailable: true}
	}
	return views.ContactDeals{ContactID: id, Deals: ds}
}

func (s *server) saveContact(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	values, f := decodeContactForm(r)
	res, err := s.contacts.Save(r.Context(), actor(r), id, version, f)
	var conflict *contacts.ConflictError
	switch {
	case err == nil:
		saved := res.Contact
		if !isHTMX(r) {
			redirect(w, r, fmt.Sprintf("/contacts/%d?notice=saved", id))
			return
		}
		notice := savedNotice(contact.Kind, res.Merge, views.ContactFieldLabels, version, saved.Version())
		s.renderContact(w, r, http.StatusOK, views.ContactView{Contact: saved, Form: views.FormFromContact(saved), Notice: notice})
	case isInvalid(err):
		// The form keeps the version the rep started from: moving it on here
		// would hide a conflict with whoever saved in the meantime.
		current, getErr := s.contacts.Get(r.Context(), id)
		if getErr != nil {
			s.failContact(w, r, getErr)
			return
		}
		form := views.Form{Prefix: contact.Kind, Values: values, Errors: fieldErrors(err), Version: version}
		s.renderContact(w, r, http.StatusUnprocessableEntity, views.ContactView{Contact: current, Form: form})
	case errors.As(err, &conflict):
		s.renderContact(w, r, http.StatusConflict, contactConflictView(conflict))
	default:
		s.failContact(w, r, err)
	}
}

// contactConflictView builds the contact page for a save that lost the
// race: the contact as saved now, the banner comparing the three versions,
// and a form that holds the rep's own changes on top of the current values,
// at the current version.
func contactConflictView(c *contacts.ConflictError) views.ContactView {
	cur := c.Current
	banner := newBanner(contact.Kind, "save", c.Lock.Expected, cur.Version(), cur.UpdatedBy(), cur.UpdatedAt())
	form := views.FormFromContact(cur)
	for _, name := range contact.EditableFields {
		form.Values[name] = c.Compare.Proposed.Get(name)
	}
	var base fieldReader
	if c.Base != nil {
		base = c.Base.Fields()
	}
	banner.Rows = compareRows(c.Compare.Conflicts, c.Compare.Theirs, c.Compare.Yours,
		views.ContactFieldLabels, base, cur.Fields(), c.Yours)
	return views.ContactView{Contact: cur, Form: form, Conflict: banner}
}

// renderContact renders the contact page, or its editor for htmx, with the
// contact's history. A history that cannot be read is said so in its place
// rather than failing a page that may report a successful save.
func (s *server) renderContact(w http.ResponseWriter, r *http.Request, status int, v views.ContactView) {
	v.History = s.history(r.Context(), contact.Kind, s.contacts, v.Contact.ID())
	s.render(w, r, status, views.ContactPage(v), views.ContactEditor(v))
}
