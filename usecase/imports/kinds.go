package imports

import (
	"fmt"
	"strconv"
	"strings"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/record"
)

// Kind describes a kind of record a file can be imported into: the one
// description the generic import reads, so leads and contacts share every
// line of it.
type Kind[A record.Aggregate[F], F record.Fields[F]] struct {
	Name   string   // e.g. "lead", as record.Service and activity name it
	Fields []string // the editable fields, in form order
	// Targets are what a column can be imported as, in the order the
	// mapping offers them.
	Targets []Target
	// NameField, EmailField and CompanyField are the fields the import
	// needs by name: the required one, and the two duplicates are found by.
	NameField, EmailField, CompanyField string
	// Fill reads one row's values (field → cell, as typed) into fields; a
	// cell that does not parse (a score that is not a number) is a
	// *domain.ValidationError.
	Fill func(values map[string]string) (F, error)
	// New validates f and returns a new record made by rep by, as the
	// kind's own create does.
	// Own returns f given to user owner; nil for a kind without owners.
	Own func(f F, owner int64) F
	New func(f F, by string) (A, error)
}

// nameParts are the two targets that make a name, which every kind has.
var nameParts = []Target{
	{Field: TargetFirstName, Label: "First name (joined into Name)", Synonyms: []string{"firstname", "givenname", "forename", "first"}},
	{Field: TargetLastName, Label: "Last name (joined into Name)", Synonyms: []string{"lastname", "surname", "familyname", "last"}},
}

// Targets every kind shares, under the names the domains give them.
var (
	nameSynonyms    = []string{"fullname", "contactname", "leadname", "contact", "person", "customer", "customername"}
	emailSynonyms   = []string{"emailaddress", "mail", "workemail", "primaryemail", "contactemail", "emailid"}
	companySynonyms = []string{"companyname", "organisation", "organization", "organisationname", "organizationname",
		"org", "account", "accountname", "business", "employer"}
	phoneSynonyms = []string{"phonenumber", "telephone", "telephonenumber", "tel", "mobile", "mobilephone",
		"mobilenumber", "cell", "cellphone", "workphone", "contactphone", "phone1"}
	notesSynonyms = []string{"note", "comments", "comment", "description", "remarks"}
)

// Leads is how a file is imported into leads: each new lead is NEW and
// owned by the rep who imports it (Import.Owner), as a lead made on the
// page is.
var Leads = Kind[*lead.Lead, lead.Fields]{
	Name: lead.Kind, Fields: lead.EditableFields,
	NameField: lead.FieldName, EmailField: lead.FieldEmail, CompanyField: lead.FieldCompany,
	Targets: append([]Target{
		{Field: lead.FieldName, Label: "Name", Synonyms: nameSynonyms},
		{Field: lead.FieldEmail, Label: "Email", Synonyms: emailSynonyms},
		{Field: lead.FieldCompany, Label: "Company", Synonyms: companySynonyms},
		{Field: lead.FieldPhone, Label: "Phone", Synonyms: phoneSynonyms},
		{Field: lead.FieldSource, Label: "Source", Synonyms: []string{"leadsource", "origin", "channel"}},
		{Field: lead.FieldScore, Label: "Score", Synonyms: []string{"leadscore", "rating"}},
		{Field: lead.FieldNotes, Label: "Notes", Synonyms: notesSynonyms},
	}, nameParts...),
	Fill: func(v map[string]string) (lead.Fields, error) {
		f := lead.Fields{Name: v[lead.FieldName], Email: v[lead.FieldEmail], Company: v[lead.FieldCompany],
			Phone: v[lead.FieldPhone], Source: v[lead.FieldSource], Notes: v[lead.FieldNotes]}
		raw := strings.TrimSpace(v[lead.FieldScore])
		if raw == "" {
			return f, nil
		}
		score, err := strconv.Atoi(raw)
		if err != nil {
			invalid := &domain.ValidationError{}
			invalid.Add(lead.FieldScore, fmt.Sprintf("Score must be a whole number from %d to %d; got %q.",
				lead.MinScore, lead.MaxScore, raw))
			return f, invalid
		}
		f.Score = score
		return f, nil
	},
	New: lead.New,
	Own: func(f lead.Fields, owner int64) lead.Fields { f.Owner = owner; return f },
}

// Contacts is how a file is imported into contacts.
var Contacts = Kind[*contact.Contact, contact.Fields]{
	Name: contact.Kind, Fields: contact.EditableFields,
	NameField: contact.FieldName, EmailField: contact.FieldEmail, CompanyField: contact.FieldCompany,
	Targets: append([]Target{
		{Field: contact.FieldName, Label: "Name", Synonyms: nameSynonyms},
		{Field: contact.FieldEmail, Label: "Email", Synonyms: emailSynonyms},
		{Field: contact.FieldPhone, Label: "Phone", Synonyms: phoneSynonyms},
		{Field: contact.FieldCompany, Label: "Company", Synonyms: companySynonyms},
		{Field: contact.FieldNotes, Label: "Notes", Synonyms: notesSynonyms},
	}, nameParts...),
	Fill: func(v map[string]string) (contact.Fields, error) {
		return contact.Fields{Name: v[contact.FieldName], Email: v[contact.FieldEmail],
			Phone: v[contact.FieldPhone], Company: v[contact.FieldCompany], Notes: v[contact.FieldNotes]}, nil
	},
	New: contact.New,
	Own: func(f contact.Fields, owner int64) contact.Fields { f.Owner = owner; return f },
}

// owned is f given to owner, when the kind has owners and owner is a user.
func (k Kind[A, F]) owned(f F, owner int64) F {
	if k.Own == nil || owner == 0 {
		return f
	}
	return k.Own(f, owner)
}
