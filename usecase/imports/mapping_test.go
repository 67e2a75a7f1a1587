package imports

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeadersMapToFieldsByTheirUsualNames(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Name": "name", "NAME": "name", "Full name": "name", "Contact name": "name",
		"Email": "email", "E-mail": "email", "e_mail": "email", "Email address": "email", "E-Mail Address": "email",
		"Company": "company", "Company name": "company", "Organisation": "company", "Organization": "company", "Account": "company",
		"Phone": "phone", "Phone number": "phone", "Mobile": "phone", "Telephone": "phone", "Cell phone": "phone",
		"Source": "source", "Lead source": "source", "Lead Source": "source",
		"Score": "score", "Lead score": "score",
		"Notes": "notes", "Comments": "notes", "Description": "notes",
		"First name": TargetFirstName, "Given name": TargetFirstName, "Last name": TargetLastName, "Surname": TargetLastName,
		"Favourite colour": "", "": "",
	}
	for header, want := range cases {
		assert.Equal(t, Mapping{want}, autoMap(Leads.Targets, []string{header}), header)
	}
	assert.Equal(t, Mapping{""}, autoMap(Contacts.Targets, []string{"Lead source"}), "contacts have no source")
	for _, header := range []string{"Notes", "Note", "Comments", "Remarks", "Description"} {
		assert.Equal(t, Mapping{"notes"}, autoMap(Contacts.Targets, []string{header}), "contacts have notes: "+header)
	}
}

func TestAFieldIsMappedFromTheFirstColumnNamingIt(t *testing.T) {
	t.Parallel()
	m := autoMap(Leads.Targets, []string{"E-mail", "Name", "Email address", "Mobile", "Phone number"})
	assert.Equal(t, Mapping{"email", "name", "", "phone", ""}, m)
}

func TestAMappingNeedsTheNameAndEachFieldOnce(t *testing.T) {
	t.Parallel()
	header := []string{"Who", "Mail", "", "First", "Last"}
	cases := []struct {
		m    Mapping
		says string
	}{
		{Mapping{"", "email", "", "", ""}, "No column is mapped to Name"},
		{Mapping{"name", "email", "email", "", ""}, `Both "Mail" and column C are mapped to Email`},
		{Mapping{"name", "", "", TargetFirstName, ""}, "either Name or First name and Last name"},
		{Mapping{"name", "status", "", "", ""}, `"status" is not something a column can be imported as`},
		{Mapping{"name"}, "The mapping has 1 columns but the file has 5"},
	}
	for _, tc := range cases {
		err := tc.m.check(Leads.Targets, header, Leads.NameField)
		require.Error(t, err, tc.m)
		assert.Contains(t, reason(err), tc.says)
	}
	assert.NoError(t, Mapping{"name", "email", "", "", ""}.check(Leads.Targets, header, Leads.NameField))
	assert.NoError(t, Mapping{"", "email", "", TargetFirstName, TargetLastName}.check(Leads.Targets, header, Leads.NameField))
	assert.NoError(t, Mapping{"", "", "", "", TargetLastName}.check(Leads.Targets, header, Leads.NameField))
}

func TestANameInTwoColumnsIsJoined(t *testing.T) {
	t.Parallel()
	m := Mapping{TargetFirstName, TargetLastName, "email"}
	assert.Equal(t, map[string]string{"name": "Ada Lovelace", "email": "ada@example.com"},
		m.values([]string{" Ada ", "Lovelace", "ada@example.com"}, "name"))
	assert.Equal(t, "Lovelace", m.values([]string{"", "Lovelace", ""}, "name")["name"])
}

func TestACellAFormulaWouldRunLooksLikeOne(t *testing.T) {
	t.Parallel()
	formulas := []string{"=1+1", "=HYPERLINK(\"http://x\",\"click\")", "@SUM(A1:A2)", "+A1", "-cmd|' /C calc'!A0",
		"  =1+1", "\t=1", "+-1", "--note", "-x"}
	for _, cell := range formulas {
		assert.Truef(t, LooksLikeFormula(cell), "%q would run in a spreadsheet", cell)
	}
	text := []string{"", "Ada", "+44 20 7946 0958", "+351912345678", "+(351) 912", "-5", "- a note", "-(3)", "-",
		"ada@example.com", "a=b", "100%", " "}
	for _, cell := range text {
		assert.Falsef(t, LooksLikeFormula(cell), "%q is text", cell)
	}
}

func TestColumnsAreNamedByHeaderOrLetter(t *testing.T) {
	t.Parallel()
	header := []string{"Name", ""}
	assert.Equal(t, `"Name"`, ColumnName(header, 0))
	assert.Equal(t, "column B", ColumnName(header, 1))
	assert.Equal(t, "column AA", ColumnName(header, 26))
	assert.Equal(t, "column AB", ColumnName(header, 27))
}
