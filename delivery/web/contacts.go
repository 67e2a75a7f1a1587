package web

import (
	"context"
	"io"
	"net/http"

	"github.com/a-h/templ"

	"crm/delivery/leadquery"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
	"crm/usecase/record"
)

// ContactService is what the pages need from the contact use cases.
type ContactService interface {
	recordService[*contact.Contact, contact.Fields]
	Create(ctx context.Context, by string, f contact.Fields) (*contact.Contact, error)
	List(ctx context.Context, q contacts.ListQuery) (record.Page[*contact.Contact], error)
	Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*contact.Contact], error)
}

// newContactPages describes the contact's pages every kind of record has.
// The full page also lists the contact's deals, read only when it is drawn.
func newContactPages(s *server, svc ContactService) *recordPages[*contact.Contact, contact.Fields] {
	return &recordPages[*contact.Contact, contact.Fields]{
		s: s, kind: contact.Kind, labels: views.ContactFieldLabels, fields: contact.EditableFields, svc: svc,
		notices: map[string]string{"created": "Contact created.", "deleted": "Contact deleted: it is in the Trash, where it can be restored.", "restored": "Restored from the Trash.", "saved": "Saved."},
		inputs:  contact.EditableFields, decode: decodeContactForm, form: views.ContactForm,
		page: func(v views.ContactView) templ.Component {
			return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
				return views.ContactPage(v, s.contactDeals(ctx, v.Record.ID())).Render(ctx, w)
			})
		},
		editor: func(v views.ContactView) templ.Component { return views.ContactEditor(v) },
		blank: func(r *http.Request) views.Form {
			return views.Form{Prefix: contact.Kind, Values: map[string]string{contact.FieldOwner: creatorOwns(r)}}
		},
		newFields: func(form views.Form) templ.Component {
			return views.ContactFields(form, nil, views.FieldExtras{LookUp: true})
		},
		create: creator(svc.Create),
		duplicates: lookalikes(contact.Kind, svc.Duplicates, func(c *contact.Contact) views.Lookalike {
			return views.Lookalike{URL: views.RecordURL(contact.Kind, c.ID()), Name: c.Fields().Name, Company: c.Fields().Company}
		}),
	}
}

// decodeContactForm reads a contact form (see recordPages.decode); every
// value is text, so it never fails.
func decodeContactForm(r *http.Request) (map[string]string, contact.Fields, error) {
	values := formValues(r, contact.EditableFields...)
	f := contact.Fields{
		Name: values[contact.FieldName], Email: values[contact.FieldEmail],
		Phone: values[contact.FieldPhone], Company: values[contact.FieldCompany], Notes: values[contact.FieldNotes],
	}
	invalid := &domain.ValidationError{}
	if decodeOwner(r, values, &f.Owner, invalid); len(invalid.Fields) == 0 {
		return values, f, nil
	}
	return values, f, withDomainMessages(invalid, f.Normalize().Validate(), contact.FieldOwner)
}

func (s *server) listContacts(w http.ResponseWriter, r *http.Request) error {
	search, paging, err := listQuery(r)
	if err != nil {
		return err
	}
	owner, ok := leadquery.ParseOwner(r.URL.Query().Get(leadquery.ParamOwner), me(r).ID)
	if !ok {
		return &badRequest{msg: leadquery.OwnerProblem}
	}
	page, err := s.contacts.List(r.Context(), contacts.ListQuery{Search: search, Owner: owner, Paging: paging})
	if err != nil {
		return err
	}
	v := views.ContactListView{Search: search, Owner: leadquery.OwnerParam(owner), Contacts: page.Items, After: paging.After, Next: page.Next,
		Notice: s.contactPages.notices[r.URL.Query().Get("notice")]}
	return s.renderList(w, r, paging, views.ContactRows(v), views.ContactListPage(v), views.ContactResults(v))
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
