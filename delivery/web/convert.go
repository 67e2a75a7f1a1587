package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"crm/delivery/web/views"
	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/conversion"
)

// ConversionService is what the conversion page needs.
type ConversionService interface {
	Propose(ctx context.Context, id int64) (conversion.Proposal, error)
	Convert(ctx context.Context, by string, req conversion.Request) (conversion.Result, error)
}

func (s *server) showConvert(w http.ResponseWriter, r *http.Request) {
	id, err := leadID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.conversion.Propose(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := proposalView(p)
	s.render(w, r, http.StatusOK, views.ConvertPage(v), views.ConvertEditor(v))
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
	deal    dealForm
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
	f.contact, f.fields = decodeContactForm(r)
	f.deal = decodeDealForm(r)
	return f, nil
}

// err reports an amount that does not parse together with the contact's
// own validation, so the rep sees every message in one round trip.
func (f convertForm) err() error {
	dealErr := f.deal.err()
	if dealErr == nil {
		return nil
	}
	invalid := &conversion.InvalidError{Deal: dealErr}
	if f.link == 0 {
		invalid.Contact = f.fields.Normalize().Validate()
	}
	return invalid
}

func (s *server) convertLead(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	form, err := decodeConvertForm(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = form.err()
	var res conversion.Result
	if err == nil {
		res, err = s.conversion.Convert(r.Context(), actor(r), conversion.Request{
			LeadID: id, LeadVersion: version, LinkContact: form.link, Contact: form.fields, Deal: form.deal.fields,
		})
	}
	var conflict *conversion.ConflictError
	switch {
	case err == nil:
		redirect(w, r, fmt.Sprintf("/deals/%d?notice=converted", res.Deal.ID()))
	case errors.As(err, &conflict):
		// The form moves to the lead's current version, keeping what the
		// rep typed: after checking the banner, one click converts.
		s.renderConvert(w, r, http.StatusConflict, id, form, func(v *views.ConvertView) {
			v.Version = conflict.Current.Version()
			v.Conflict = convertConflict(conflict)
		})
	case isInvalid(err):
		// The version stays the rep's, as on the lead page: moving it on
		// here would hide a conflict with whoever saved meanwhile.
		s.renderConvert(w, r, http.StatusUnprocessableEntity, id, form, func(v *views.ConvertView) {
			v.Version = version
			var invalid *conversion.InvalidError
			if errors.As(err, &invalid) {
				v.Contact.Errors = fieldErrors(invalid.Contact)
				v.Deal.Errors = fieldErrors(invalid.Deal)
				return
			}
			v.Error = ruleMessage(err)
		})
	default:
		s.fail(w, r, err)
	}
}

// renderConvert answers a conversion that did not happen with the page as
// it is now and the rep's typed values, adjusted by complete.
func (s *server) renderConvert(w http.ResponseWriter, r *http.Request, status int, id int64, form convertForm, complete func(*views.ConvertView)) {
	p, err := s.conversion.Propose(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := proposalView(p)
	v.Link = v.Existing != nil && form.link == v.Existing.ID()
	v.Contact.Values = form.contact
	v.Deal.Values = form.deal.values
	complete(&v)
	s.render(w, r, status, views.ConvertPage(v), views.ConvertEditor(v))
}

// convertConflict is the banner of a conversion that met a newer lead:
// what changed on the lead since the rep opened the page.
func convertConflict(c *conversion.ConflictError) *views.Conflict {
	cur := c.Current
	banner := newBanner(lead.Kind, "convert", c.Lock.Expected, cur.Version(), cur.UpdatedBy(), cur.UpdatedAt())
	banner.Rows = leadChanges(c.Base, cur)
	return banner
}
