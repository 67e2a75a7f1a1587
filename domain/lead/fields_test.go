package lead_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

// validFields is a lead every rule accepts; each case below breaks or bends
// one field of it.
func validFields() lead.Fields {
	return lead.Fields{
		Name:    "Ada Lovelace",
		Email:   "ada@example.com",
		Company: "Analytical Engines",
		Phone:   "+44 20 7946 0958",
		Source:  "referral",
		Score:   50,
		Notes:   "Met at the expo.",
	}
}

// email254 is a syntactically valid address of exactly 254 characters.
func email254() string {
	local := strings.Repeat("a", 64)
	dom := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	return local + "@" + dom
}

type fieldCase struct {
	name   string
	edit   func(f *lead.Fields)
	field  string // the field refused, "" when the input is accepted
	detail string // the exact message for field
}

func fieldCases() []fieldCase {
	return []fieldCase{
		// name
		{"a name is accepted", func(f *lead.Fields) { f.Name = "Grace" }, "", ""},
		{"an empty name is refused", func(f *lead.Fields) { f.Name = "" }, lead.FieldName, "Name is required."},
		{"a name of spaces only is refused", func(f *lead.Fields) { f.Name = "    " }, lead.FieldName, "Name is required."},
		{"a name of tabs and newlines only is refused", func(f *lead.Fields) { f.Name = "\t\n \r\n" }, lead.FieldName, "Name is required."},
		{"a name of 200 letters is accepted", func(f *lead.Fields) { f.Name = strings.Repeat("a", 200) }, "", ""},
		{"a name of 201 letters is refused", func(f *lead.Fields) { f.Name = strings.Repeat("a", 201) }, lead.FieldName, "Name is 201 characters; the limit is 200."},
		{"a name of 200 two-byte runes is accepted", func(f *lead.Fields) { f.Name = strings.Repeat("é", 200) }, "", ""},
		{"a name of 201 two-byte runes is refused", func(f *lead.Fields) { f.Name = strings.Repeat("é", 201) }, lead.FieldName, "Name is 201 characters; the limit is 200."},
		{"a name of 200 four-byte runes is accepted", func(f *lead.Fields) { f.Name = strings.Repeat("𝔸", 200) }, "", ""},
		{"a name of 200 letters inside spaces is accepted once trimmed", func(f *lead.Fields) { f.Name = "  " + strings.Repeat("a", 200) + "  " }, "", ""},
		{"a name with a newline inside is refused", func(f *lead.Fields) { f.Name = "Ada\nLovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a name with a tab inside is refused", func(f *lead.Fields) { f.Name = "Ada\tLovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a name with a NUL inside is refused", func(f *lead.Fields) { f.Name = "Ada\x00Lovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a name with DEL inside is refused", func(f *lead.Fields) { f.Name = "Ada\x7fLovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a name with a C1 control inside is refused", func(f *lead.Fields) { f.Name = "Ada\u0085Lovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a name with a line separator inside is refused", func(f *lead.Fields) { f.Name = "Ada\u2028Lovelace" }, lead.FieldName, "Name must be a single line of text."},
		{"a company with a right-to-left override is refused", func(f *lead.Fields) { f.Company = "Acme\u202Egnp.exe" }, lead.FieldCompany, "Company must be a single line of text."},
		{"a name with an emoji joiner is fine", func(f *lead.Fields) { f.Name = "Ada \U0001F469\u200D\U0001F4BB" }, "", ""},
		{"a name with invalid UTF-8 is refused", func(f *lead.Fields) { f.Name = "Ada\xffLovelace" }, lead.FieldName, "Name contains characters that are not text."},
		{"a name in another script is accepted", func(f *lead.Fields) { f.Name = "Zoë Ødegård 王小明" }, "", ""},

		// email
		{"an empty email is accepted", func(f *lead.Fields) { f.Email = "" }, "", ""},
		{"an email of spaces only counts as empty", func(f *lead.Fields) { f.Email = "   " }, "", ""},
		{"a plain email is accepted", func(f *lead.Fields) { f.Email = "a@b.co" }, "", ""},
		{"an email with plus, dots and subdomains is accepted", func(f *lead.Fields) { f.Email = "ada.lovelace+crm@mail.example.co.uk" }, "", ""},
		{"an email inside spaces is accepted once trimmed", func(f *lead.Fields) { f.Email = "  ada@example.com  " }, "", ""},
		{"an email of 254 characters is accepted", func(f *lead.Fields) { f.Email = email254() }, "", ""},
		{"an email of 255 characters is refused", func(f *lead.Fields) { f.Email = "a" + email254() }, lead.FieldEmail, "Email is longer than 254 characters."},
		{"an email without @ is refused", func(f *lead.Fields) { f.Email = "ada.example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with two @ is refused", func(f *lead.Fields) { f.Email = "ada@@example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with nothing before @ is refused", func(f *lead.Fields) { f.Email = "@example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with nothing after @ is refused", func(f *lead.Fields) { f.Email = "ada@" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email in display-name form is refused", func(f *lead.Fields) { f.Email = "Ada <a@b.co>" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email in angle brackets is refused", func(f *lead.Fields) { f.Email = "<a@b.co>" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email without a dot in the domain is refused", func(f *lead.Fields) { f.Email = "ada@localhost" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with an IP literal domain is refused", func(f *lead.Fields) { f.Email = "ada@[192.168.0.1]" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with a space inside is refused", func(f *lead.Fields) { f.Email = "ada lovelace@example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with a newline inside is refused", func(f *lead.Fields) { f.Email = "ada\n@example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"an email with invalid UTF-8 is refused", func(f *lead.Fields) { f.Email = "ad\xff@example.com" }, lead.FieldEmail, "Email must look like name@example.com."},
		{"two emails separated by a comma are refused", func(f *lead.Fields) { f.Email = "a@b.co, c@d.co" }, lead.FieldEmail, "Email must look like name@example.com."},

		// company
		{"an empty company is accepted", func(f *lead.Fields) { f.Company = "" }, "", ""},
		{"a company of 200 letters is accepted", func(f *lead.Fields) { f.Company = strings.Repeat("c", 200) }, "", ""},
		{"a company of 201 letters is refused", func(f *lead.Fields) { f.Company = strings.Repeat("c", 201) }, lead.FieldCompany, "Company is 201 characters; the limit is 200."},
		{"a company of 200 two-byte runes is accepted", func(f *lead.Fields) { f.Company = strings.Repeat("é", 200) }, "", ""},
		{"a company of 201 two-byte runes is refused", func(f *lead.Fields) { f.Company = strings.Repeat("é", 201) }, lead.FieldCompany, "Company is 201 characters; the limit is 200."},
		{"a company with a newline inside is refused", func(f *lead.Fields) { f.Company = "Acme\nLtd" }, lead.FieldCompany, "Company must be a single line of text."},
		{"a company with an escape character is refused", func(f *lead.Fields) { f.Company = "Acme\x1b[31m" }, lead.FieldCompany, "Company must be a single line of text."},
		{"a company with invalid UTF-8 is refused", func(f *lead.Fields) { f.Company = "Acme\xc3" }, lead.FieldCompany, "Company contains characters that are not text."},

		// phone
		{"an empty phone is accepted", func(f *lead.Fields) { f.Phone = "" }, "", ""},
		{"a phone of digits only is accepted", func(f *lead.Fields) { f.Phone = "5550100" }, "", ""},
		{"a phone with + ( ) - and spaces is accepted", func(f *lead.Fields) { f.Phone = "+1 (555) 010-0199" }, "", ""},
		{"a phone with dots, a slash and an extension is accepted", func(f *lead.Fields) { f.Phone = "030/555.01.99 x12" }, "", ""},
		{"a phone of exactly 3 digits is accepted", func(f *lead.Fields) { f.Phone = "112" }, "", ""},
		{"a phone of 2 digits is refused", func(f *lead.Fields) { f.Phone = "12" }, lead.FieldPhone, "Phone needs at least 3 digits."},
		{"a phone of punctuation only is refused", func(f *lead.Fields) { f.Phone = "+() -" }, lead.FieldPhone, "Phone needs at least 3 digits."},
		{"a phone of 40 characters is accepted", func(f *lead.Fields) { f.Phone = strings.Repeat("1", 40) }, "", ""},
		{"a phone of 41 characters is refused", func(f *lead.Fields) { f.Phone = strings.Repeat("1", 41) }, lead.FieldPhone, "Phone is longer than 40 characters."},
		{"a phone with letters is refused", func(f *lead.Fields) { f.Phone = "555-CALL-NOW" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone with a capital X extension is refused", func(f *lead.Fields) { f.Phone = "555 0100 X12" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone with a tab inside is refused", func(f *lead.Fields) { f.Phone = "555\t0100" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone with a newline inside is refused", func(f *lead.Fields) { f.Phone = "555\n0100" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone with non-ASCII digits is refused", func(f *lead.Fields) { f.Phone = "٥٥٥٠١٠٠" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},
		{"a phone with invalid UTF-8 is refused", func(f *lead.Fields) { f.Phone = "555\xff0100" }, lead.FieldPhone, "Phone may hold digits, spaces and + - ( ) . / x only."},

		// source
		{"an empty source is accepted", func(f *lead.Fields) { f.Source = "" }, "", ""},
		{"a source of 200 letters is accepted", func(f *lead.Fields) { f.Source = strings.Repeat("s", 200) }, "", ""},
		{"a source of 201 letters is refused", func(f *lead.Fields) { f.Source = strings.Repeat("s", 201) }, lead.FieldSource, "Source is 201 characters; the limit is 200."},
		{"a source of 201 two-byte runes is refused", func(f *lead.Fields) { f.Source = strings.Repeat("ü", 201) }, lead.FieldSource, "Source is 201 characters; the limit is 200."},
		{"a source with a carriage return inside is refused", func(f *lead.Fields) { f.Source = "web\rform" }, lead.FieldSource, "Source must be a single line of text."},
		{"a source with invalid UTF-8 is refused", func(f *lead.Fields) { f.Source = "\xfeweb" }, lead.FieldSource, "Source contains characters that are not text."},

		// score
		{"score -1 is refused", func(f *lead.Fields) { f.Score = -1 }, lead.FieldScore, "Score must be between 0 and 100; got -1."},
		{"score 0 is accepted", func(f *lead.Fields) { f.Score = 0 }, "", ""},
		{"score 100 is accepted", func(f *lead.Fields) { f.Score = 100 }, "", ""},
		{"score 101 is refused", func(f *lead.Fields) { f.Score = 101 }, lead.FieldScore, "Score must be between 0 and 100; got 101."},

		// notes
		{"empty notes are accepted", func(f *lead.Fields) { f.Notes = "" }, "", ""},
		{"notes of 10,000 characters are accepted", func(f *lead.Fields) { f.Notes = strings.Repeat("n", 10_000) }, "", ""},
		{"notes of 10,001 characters are refused", func(f *lead.Fields) { f.Notes = strings.Repeat("n", 10_001) }, lead.FieldNotes, "Notes are 10001 characters; the limit is 10000."},
		{"notes of 10,000 two-byte runes are accepted", func(f *lead.Fields) { f.Notes = strings.Repeat("é", 10_000) }, "", ""},
		{"notes of 10,001 two-byte runes are refused", func(f *lead.Fields) { f.Notes = strings.Repeat("é", 10_001) }, lead.FieldNotes, "Notes are 10001 characters; the limit is 10000."},
		{"notes with newlines and tabs are accepted", func(f *lead.Fields) { f.Notes = "Call back:\n\t- Monday\r\n\t- Friday\n" }, "", ""},
		{"notes with a NUL are refused", func(f *lead.Fields) { f.Notes = "before\x00after" }, lead.FieldNotes, "Notes contain characters that are not text."},
		{"notes with invalid UTF-8 are refused", func(f *lead.Fields) { f.Notes = "caf\xe9" }, lead.FieldNotes, "Notes contain characters that are not text."},
	}
}

// assertRefusedOnly checks that err is a *domain.ValidationError about field
// alone, with the message want.
func assertRefusedOnly(t *testing.T, err error, field, want string) {
	t.Helper()
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	require.Len(t, v.Fields, 1, "only %s is wrong: %v", field, v.Fields)
	assert.Equal(t, field, v.Fields[0].Field)
	assert.Equal(t, want, v.Fields[0].Message)
	assert.Equal(t, want, v.For(field))
}

func TestFields_Validate(t *testing.T) {
	t.Parallel()
	for _, tt := range fieldCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validFields()
			tt.edit(&f)

			err := f.Normalize().Validate()

			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			assertRefusedOnly(t, err, tt.field, tt.detail)
		})
	}
}

func TestNew_appliesEveryValidationRule(t *testing.T) {
	t.Parallel()
	for _, tt := range fieldCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validFields()
			tt.edit(&f)

			l, err := lead.New(f, "ada")

			if tt.field == "" {
				require.NoError(t, err)
				require.NotNil(t, l)
				assert.Equal(t, f.Normalize(), l.Fields())
				return
			}
			assert.Nil(t, l)
			assertRefusedOnly(t, err, tt.field, tt.detail)
		})
	}
}

func TestLead_Edit_appliesEveryValidationRule(t *testing.T) {
	t.Parallel()
	for _, tt := range fieldCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, lead.StatusContacted, 40)
			before := l.Snapshot()
			f := validFields()
			tt.edit(&f)

			changed, err := l.Edit(f, "bob")

			if tt.field == "" {
				require.NoError(t, err)
				assert.Equal(t, f.Normalize(), l.Fields())
				assert.NotEmpty(t, changed)
				return
			}
			assert.Nil(t, changed)
			assertRefusedOnly(t, err, tt.field, tt.detail)
			assert.Equal(t, before, l.Snapshot(), "a refused edit changes nothing")
		})
	}
}

func TestFields_Validate_reportsEveryProblemAtOnceInFormOrder(t *testing.T) {
	t.Parallel()
	// Deliberately filled in reverse form order: the report must not follow
	// the order in which the test (or the form post) sets the values.
	f := lead.Fields{
		Notes:   strings.Repeat("n", 10_001),
		Score:   101,
		Source:  "web\nform",
		Phone:   "12",
		Company: strings.Repeat("c", 201),
		Email:   "Ada <a@b.co>",
		Name:    "   ",
	}
	want := []domain.FieldError{
		{Field: lead.FieldName, Message: "Name is required."},
		{Field: lead.FieldEmail, Message: "Email must look like name@example.com."},
		{Field: lead.FieldCompany, Message: "Company is 201 characters; the limit is 200."},
		{Field: lead.FieldPhone, Message: "Phone needs at least 3 digits."},
		{Field: lead.FieldSource, Message: "Source must be a single line of text."},
		{Field: lead.FieldScore, Message: "Score must be between 0 and 100; got 101."},
		{Field: lead.FieldNotes, Message: "Notes are 10001 characters; the limit is 10000."},
	}

	doors := []struct {
		name string
		run  func(t *testing.T) error
	}{
		{"Validate reports all seven problems", func(*testing.T) error { return f.Normalize().Validate() }},
		{"New reports all seven problems", func(*testing.T) error { _, err := lead.New(f, "ada"); return err }},
		{"Edit reports all seven problems", func(t *testing.T) error { _, err := leadIn(t, lead.StatusNew, 10).Edit(f, "bob"); return err }},
	}
	for _, door := range doors {
		t.Run(door.name, func(t *testing.T) {
			t.Parallel()
			var v *domain.ValidationError
			require.ErrorAs(t, door.run(t), &v)
			assert.Equal(t, want, v.Fields)
			for _, fe := range want {
				assert.Equal(t, fe.Message, v.For(fe.Field), "For(%q)", fe.Field)
			}
			assert.Empty(t, v.For(lead.FieldStatus), "a field that is fine has no message")
		})
	}
}

func TestFields_Validate_twoWrongFieldsGiveTwoFieldErrors(t *testing.T) {
	t.Parallel()
	f := validFields()
	f.Email = "no-at-sign"
	f.Score = -1

	err := f.Validate()

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	require.Len(t, v.Fields, 2)
	assert.Equal(t, []string{lead.FieldEmail, lead.FieldScore}, []string{v.Fields[0].Field, v.Fields[1].Field})
	assert.Equal(t, "Email must look like name@example.com.", v.For(lead.FieldEmail))
	assert.Equal(t, "Score must be between 0 and 100; got -1.", v.For(lead.FieldScore))
	assert.Empty(t, v.For(lead.FieldName))
	assert.EqualError(t, err, "invalid input: email: Email must look like name@example.com.; score: Score must be between 0 and 100; got -1.")
}

func TestFields_Normalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   lead.Fields
		want lead.Fields
	}{
		{
			name: "one-line fields lose surrounding white space",
			in: lead.Fields{
				Name: "  Ada Lovelace\t", Email: "\nada@example.com ", Company: " Analytical Engines ",
				Phone: "  +44 20 7946 0958  ", Source: "\treferral\r\n", Score: 7, Notes: "Met at the expo.",
			},
			want: lead.Fields{
				Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines",
				Phone: "+44 20 7946 0958", Source: "referral", Score: 7, Notes: "Met at the expo.",
			},
		},
		{
			name: "notes keep their layout, surrounding white space included",
			in:   lead.Fields{Name: "Ada", Notes: "\n  indented\n\tand tabbed  \n"},
			want: lead.Fields{Name: "Ada", Notes: "\n  indented\n\tand tabbed  \n"},
		},
		{
			name: "white space inside one-line fields is kept",
			in:   lead.Fields{Name: " Ada  King ", Company: "A  B"},
			want: lead.Fields{Name: "Ada  King", Company: "A  B"},
		},
		{
			name: "fields of white space only become empty",
			in:   lead.Fields{Name: "   ", Email: " ", Company: "\t", Phone: "\n", Source: " \r\n "},
			want: lead.Fields{},
		},
		{
			name: "normalized fields stay as they are",
			in:   validFields(),
			want: validFields(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			assert.Equal(t, tt.want, tt.in.Normalize())
			assert.Equal(t, in, tt.in, "Normalize returns a copy and leaves its receiver alone")
		})
	}
}

func TestFields_Changed_and_Get(t *testing.T) {
	t.Parallel()
	base := validFields()
	all := lead.Fields{Name: "B", Email: "b@b.co", Company: "B Co", Phone: "999", Source: "ad", Score: 51, Notes: "other", Owner: 2}
	tests := []struct {
		name  string
		other lead.Fields
		want  []string
	}{
		{"identical fields have no changes", validFields(), nil},
		{"every field changed is listed in form order", all, lead.EditableFields},
		{"a score change is seen", func() lead.Fields { f := validFields(); f.Score = 0; return f }(), []string{lead.FieldScore}},
		{"notes and name are listed name first", func() lead.Fields { f := validFields(); f.Notes = "x"; f.Name = "y"; return f }(), []string{lead.FieldName, lead.FieldNotes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := base.Changed(tt.other)
			if len(tt.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("Get reads every editable field as text", func(t *testing.T) {
		t.Parallel()
		f := validFields()
		assert.Equal(t, "Ada Lovelace", f.Get(lead.FieldName))
		assert.Equal(t, "ada@example.com", f.Get(lead.FieldEmail))
		assert.Equal(t, "Analytical Engines", f.Get(lead.FieldCompany))
		assert.Equal(t, "+44 20 7946 0958", f.Get(lead.FieldPhone))
		assert.Equal(t, "referral", f.Get(lead.FieldSource))
		assert.Equal(t, "50", f.Get(lead.FieldScore))
		assert.Equal(t, "Met at the expo.", f.Get(lead.FieldNotes))
		assert.Empty(t, f.Get(lead.FieldStatus), "status is not an editable field")
		assert.Empty(t, f.Get(lead.FieldOwner), "nobody's lead: the owner select's empty choice")
		f.Owner = 12
		assert.Equal(t, "12", f.Get(lead.FieldOwner), "the owner's user id, as the select posts it")
	})
	t.Run("the editable fields are the eight of the form, in form order", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, []string{"name", "email", "company", "phone", "source", "score", "notes", "owner"}, lead.EditableFields)
	})
}
