package contact_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
)

// validFields is a contact every rule accepts; each case below breaks or
// bends one field of it.
func validFields() contact.Fields {
	return contact.Fields{
		Name:    "Ada Lovelace",
		Email:   "ada@example.com",
		Phone:   "+44 20 7946 0958",
		Company: "Analytical Engines",
		Notes:   "Met at the expo.",
	}
}

func TestFields_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(f *contact.Fields)
		field  string // the field refused, "" when the input is accepted
		detail string // the exact message for field
	}{
		// name
		{"a name is accepted", func(f *contact.Fields) { f.Name = "Grace" }, "", ""},
		{"an empty name is refused", func(f *contact.Fields) { f.Name = "" }, contact.FieldName, "Name is required."},
		{"a name of spaces only is refused", func(f *contact.Fields) { f.Name = "   " }, contact.FieldName, "Name is required."},
		{"a name of tabs and newlines only is refused", func(f *contact.Fields) { f.Name = "\t\n \r\n" }, contact.FieldName, "Name is required."},
		{"a name of 200 letters is accepted", func(f *contact.Fields) { f.Name = strings.Repeat("a", 200) }, "", ""},
		{"a name of 201 letters is refused", func(f *contact.Fields) { f.Name = strings.Repeat("a", 201) }, contact.FieldName, "Name is 201 characters; the limit is 200."},
		{"a name of 200 two-byte runes is accepted", func(f *contact.Fields) { f.Name = strings.Repeat("é", 200) }, "", ""},
		{"a name with a newline inside is refused", func(f *contact.Fields) { f.Name = "Ada\nLovelace" }, contact.FieldName, "Name must be a single line of text."},
		{"a name with a right-to-left override is refused", func(f *contact.Fields) { f.Name = "Ada\u202eecalevoL" }, contact.FieldName, "Name must be a single line of text."},
		{"a name with invalid UTF-8 is refused", func(f *contact.Fields) { f.Name = "Ada\xffLovelace" }, contact.FieldName, "Name contains characters that are not text."},
		{"a name in another script is accepted", func(f *contact.Fields) { f.Name = "Zoë Ødegård 王小明" }, "", ""},

		// email
		{"an empty email is accepted", func(f *contact.Fields) { f.Email = "" }, "", ""},
		{"an email inside spaces is accepted once trimmed", func(f *contact.Fields) { f.Email = "  ada@example.com " }, "", ""},
		{"an email without @ is refused", func(f *contact.Fields) { f.Email = "ada.example.com" }, contact.FieldEmail, "Email must look like name@example.com."},
		{"an email in display-name form is refused", func(f *contact.Fields) { f.Email = "Ada <a@b.co>" }, contact.FieldEmail, "Email must look like name@example.com."},
		{"an email with a bidirectional override is refused", func(f *contact.Fields) { f.Email = "a\u202eb@example.com" }, contact.FieldEmail, "Email must look like name@example.com."},
		{"an email with a line separator is refused", func(f *contact.Fields) { f.Email = "a\u2028b@example.com" }, contact.FieldEmail, "Email must look like name@example.com."},
		{"an email of 255 characters is refused", func(f *contact.Fields) { f.Email = strings.Repeat("a", 243) + "@example.com" }, contact.FieldEmail, "Email is longer than 254 characters."},

		// notes
		{"empty notes are accepted", func(f *contact.Fields) { f.Notes = "" }, "", ""},
		{"notes of 10,000 characters are accepted", func(f *contact.Fields) { f.Notes = strings.Repeat("n", 10_000) }, "", ""},
		{"notes of 10,001 two-byte runes are refused", func(f *contact.Fields) { f.Notes = strings.Repeat("é", 10_001) }, contact.FieldNotes, "Notes are 10001 characters; the limit is 10000."},
		{"notes with newlines and tabs are accepted", func(f *contact.Fields) { f.Notes = "Call back:\n\t- Monday\r\n" }, "", ""},
		{"notes with a NUL are refused", func(f *contact.Fields) { f.Notes = "before\x00after" }, contact.FieldNotes, "Notes contain characters that are not text."},

		// phone
		{"an empty phone is accepted", func(f *contact.Fields) { f.Phone = "" }, "", ""},
		{"a phone with + ( ) - and spaces is accepted", func(f *contact.Fields) { f.Phone = "+1 (555) 010-0199" }, "", ""},
		{"a phone of 2 digits is refused", func(f *contact.Fields) { f.Phone = "12" }, contact.FieldPhone, "Phone needs at least 3 digits."},
		{"a phone with letters is refused", func(f *contact.Fields) { f.Phone = "555-CALL-NOW" }, contact.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone of 41 characters is refused", func(f *contact.Fields) { f.Phone = strings.Repeat("1", 41) }, contact.FieldPhone, "Phone is longer than 40 characters."},

		// company
		{"an empty company is accepted", func(f *contact.Fields) { f.Company = "" }, "", ""},
		{"a company of 200 letters is accepted", func(f *contact.Fields) { f.Company = strings.Repeat("c", 200) }, "", ""},
		{"a company of 201 letters is refused", func(f *contact.Fields) { f.Company = strings.Repeat("c", 201) }, contact.FieldCompany, "Company is 201 characters; the limit is 200."},
		{"a company with a newline inside is refused", func(f *contact.Fields) { f.Company = "Acme\nLtd" }, contact.FieldCompany, "Company must be a single line of text."},
		{"a company with invalid UTF-8 is refused", func(f *contact.Fields) { f.Company = "Acme\xc3" }, contact.FieldCompany, "Company contains characters that are not text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validFields()
			tt.edit(&f)

			err := f.Normalize().Validate()
			created, newErr := contact.New(f, "ana")

			if tt.field == "" {
				assert.NoError(t, err)
				require.NoError(t, newErr)
				assert.Equal(t, f.Normalize(), created.Fields())
				return
			}
			for _, got := range []error{err, newErr} {
				var v *domain.ValidationError
				require.ErrorAs(t, got, &v)
				require.Len(t, v.Fields, 1, "only %s is wrong: %v", tt.field, v.Fields)
				assert.Equal(t, tt.field, v.Fields[0].Field)
				assert.Equal(t, tt.detail, v.Fields[0].Message)
			}
			assert.Nil(t, created, "an invalid contact is not created")
		})
	}
}

func TestFields_Validate_reportsEveryProblemAtOnceInFormOrder(t *testing.T) {
	t.Parallel()
	f := contact.Fields{Name: "", Email: "nope", Phone: "12", Company: strings.Repeat("c", 201)}

	err := f.Validate()

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, []domain.FieldError{
		{Field: contact.FieldName, Message: "Name is required."},
		{Field: contact.FieldEmail, Message: "Email must look like name@example.com."},
		{Field: contact.FieldPhone, Message: "Phone needs at least 3 digits."},
		{Field: contact.FieldCompany, Message: "Company is 201 characters; the limit is 200."},
	}, v.Fields)
}

func TestFields_Normalize_trimsEveryField(t *testing.T) {
	t.Parallel()
	f := contact.Fields{Name: "  Ada ", Email: "\tada@example.com\n", Phone: " 555 0100 ", Company: " Acme  "}

	assert.Equal(t, contact.Fields{Name: "Ada", Email: "ada@example.com", Phone: "555 0100", Company: "Acme"}, f.Normalize())
}

func TestFields_GetWithFieldAndChangedAgree(t *testing.T) {
	t.Parallel()
	from, to := validFields(), contact.Fields{Name: "B", Email: "b@b.co", Phone: "999", Company: "B Co", Notes: "other", Owner: 5}
	for _, name := range contact.EditableFields {
		t.Run(name+" is read, copied and compared on its own", func(t *testing.T) {
			t.Parallel()
			moved := from.WithField(name, to)

			assert.Equal(t, to.Get(name), moved.Get(name))
			assert.Equal(t, []string{name}, from.Changed(moved))
		})
	}
	t.Run("every field differs in form order", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, contact.EditableFields, from.Changed(to))
		assert.Equal(t, []string{contact.FieldName, contact.FieldEmail, contact.FieldPhone, contact.FieldCompany, contact.FieldNotes, contact.FieldOwner}, contact.EditableFields)
	})
	t.Run("an unknown field reads empty and copies nothing", func(t *testing.T) {
		t.Parallel()
		assert.Empty(t, from.Get("score"))
		assert.Equal(t, from, from.WithField("score", to))
	})
}
