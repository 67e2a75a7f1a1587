package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"crm/delivery/web/views"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/conflict"
	"crm/usecase/conversion"
)

// ConversionService is what the conversion page needs.
type ConversionService interface {
	Propose(ctx context.Context, id int64) (conversion.Proposal, error)
	Convert(ctx context.Context, by string, req conversion.Request) (conversion.Result, error)
}

func (s *server) showConvert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, lead.Kind)
	if err != nil {
		return err
	}
	p, err := s.conversion.Propose(r.Context(), id)
	if err != nil {
		return err
	}
	v := proposalView(p)
	s.render(w, r, http.StatusOK, views.ConvertPage(v), views.ConvertEditor(v))
	return nil
}

// proposalView is the conversion page as first opened: everything
// prefilled, an existing contact with the lead's email linked by default.
func proposalView(p conversion.Proposal) views.ConvertView {
	v := views.ConvertView{
		Lead: p.Lead, Version: p.Lead.Version(), Existing: p.Existing, Link: p.Existing != nil,
		Contact: views.ConvertContactForm(p.Contact), Deal: views.ConvertDealForm(p.Deal),
	}
	if p.Blocked != nil {
		v.Blocked = ruleMessage(p.Blocked)
	}
	return v
}

// convertForm is a decoded conversion form, values as typed.
type convertForm struct {
	link    int64
	contact map[string]string
	fields  contact.Fields
	deal    map[string]string
	dealF   deal.Fields
	dealErr error // an amount that does not parse, with the deal's other problems
}

func decodeConvertForm(r *http.Request) (convertForm, error) {
	var f convertForm
	if raw := strings.TrimSpace(r.PostForm.Get(conversion.FieldLinkContact)); raw != "" {
		link, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || link < 0 {
			return f, &badRequest{msg: "The contact to link is not valid. Reload the page and try again."}
		}
		f.link = link
	}
	f.contact, f.fields, _ = decodeContactForm(r)
	f.deal, f.dealF, f.dealErr = decodeDealForm(r)
	// The form's one notes input is the new contact's (prefilled with the
	// lead's); the deal starts without notes.
	delete(f.deal, deal.FieldNotes)
	f.dealF.Notes = ""
	// The contact and the deal go to the lead's owner: the form shows no
	// owner of theirs (see views.OwnerSelect).
	delete(f.contact, contact.FieldOwner)
	delete(f.deal, deal.FieldOwner)
	return f, nil
}

// err reports an amount that does not parse together with the contact's
// own validation, so the rep sees every message in one round trip.
func (f convertForm) err() error {
	if f.dealErr == nil {
		return nil
	}
	invalid := &conversion.InvalidError{Deal: f.dealErr}
	if f.link == 0 {
		invalid.Contact = f.fields.Normalize().Validate()
	}
	return invalid
}

func (s *server) convertLead(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, lead.Kind)
	if err != nil {
		return err
	}
	// The contact and the deal go to the lead's owner: the form has no
	// owner of its own.
	if err := requireInputs(r, withoutOwner(append(slices.Clone(contact.EditableFields), dealTermInputs...))); err != nil {
		return err
	}
	form, err := decodeConvertForm(r)
	if err != nil {
		return err
	}
	err = form.err()
	var res conversion.Result
	if err == nil {
		res, err = s.conversion.Convert(r.Context(), actor(r), conversion.Request{
			LeadID: id, LeadVersion: version, LinkContact: form.link, Contact: form.fields, Deal: form.dealF,
		})
	}
	var conflict *conflict.Error[*lead.Lead, lead.Fields]
	switch {
	case err == nil:
		redirect(w, r, fmt.Sprintf("/deals/%d?notice=converted", res.Deal.ID()))
		return nil
	case errors.As(err, &conflict):
		// The form moves to the lead's current version, keeping what the
		// rep typed: after checking the banner, one click converts.
		return s.renderConvert(w, r, http.StatusConflict, id, form, func(v *views.ConvertView) {
			v.Version = conflict.Current.Version()
			v.Conflict = s.leadPages.banner(conflict, "convert", actor(r))
		})
	case isInvalid(err):
		// The version stays the rep's, as on the lead page: moving it on
		// here would hide a conflict with whoever saved meanwhile.
		return s.renderConvert(w, r, http.StatusUnprocessableEntity, id, form, func(v *views.ConvertView) {
			v.Version = version
			var invalid *conversion.InvalidError
			if errors.As(err, &invalid) {
				v.Contact.Errors = fieldErrors(invalid.Contact)
				v.Deal.Errors = fieldErrors(invalid.Deal)
				return
			}
			v.Error = ruleMessage(err)
		})
	}
	return err
}

// renderConvert answers a conversion that did not happen with the page as
// it is now and the rep's typed values, adjusted by complete.
func (s *server) renderConvert(w http.ResponseWriter, r *http.Request, status int, id int64, form convertForm, complete func(*views.ConvertView)) error {
	p, err := s.conversion.Propose(r.Context(), id)
	if err != nil {
		return err
	}
	v := proposalView(p)
	v.Link = v.Existing != nil && form.link == v.Existing.ID()
	v.Contact.Values = form.contact
	v.Deal.Values = form.deal
	complete(&v)
	s.render(w, r, status, views.ConvertPage(v), views.ConvertEditor(v))
	return nil
}
