package imports

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

// refusal returns the message of Parse's refusal of content, failing the
// test when it is not a refusal of the file.
func refusal(t *testing.T, content string) string {
	t.Helper()
	_, err := Parse([]byte(content))
	var rule *domain.RuleError
	require.Truef(t, errors.As(err, &rule), "want the file refused, got %v", err)
	assert.Equal(t, FieldFile, rule.Field)
	return rule.Message
}

func TestABadFileIsRefusedWholeSayingWhyAndWhere(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, content string
		says          []string
	}{
		{"Windows-1252 text names its line", "name,email\nAda,ada@example.com\nZo\xe9,zoe@example.com\n",
			[]string{"Line 3 is not UTF-8", "0xE9", "CSV UTF-8"}},
		{"Latin-1 in the header is line 1", "Soci\xe9t\xe9,name\nx,y\n", []string{"Line 1 is not UTF-8"}},
		{"UTF-16, as Excel's Unicode Text", "\xff\xfen\x00a\x00m\x00e\x00", []string{"UTF-16", "CSV UTF-8"}},
		{"a workbook is not CSV", "PK\x03\x04\x14\x00\x06\x00", []string{".xlsx", "CSV UTF-8"}},
		{"a short row names its line and both counts", "name,email,company\nAda,ada@example.com,Engines\nBob,bob@example.com\n",
			[]string{"Line 3 has 2 cells but the header has 3", "double quotes"}},
		{"a long row, and how many more there are", "name,email\nAda,a@example.com,extra\nBob\nCy,c@example.com,x,y\n",
			[]string{"Line 2 has 3 cells but the header has 2 (and 2 more lines do)"}},
		{"a ragged row after a quoted line break counts lines", "name,notes\nAda,\"two\nlines\"\nBob\n",
			[]string{"Line 4 has 1 cell"}},
		{"a ragged row of a semicolon file", "name;email\nAda;a@example.com;x\n", []string{"semicolon"}},
		{"empty", "", []string{"The file is empty"}},
		{"blank lines only", "\n \r\n\n", []string{"The file is empty"}},
		{"a byte order mark alone", "\xef\xbb\xbf", []string{"The file is empty"}},
		{"a header naming nothing", " , ,\nAda,a@example.com,x\n", []string{"names none"}},
		{"a header and no rows", "name,email\n", []string{"no rows to import"}},
		{"a header and blank rows", "name,email\n,\n , \n", []string{"no rows to import"}},
		{"a stray quote names its line", "name,notes\nAda,said \"hi\"\n", []string{"Line 2 has a double quote"}},
		{"an unclosed quote names where it starts", "name,notes\nAda,ok\nBob,\"never closed\nCy,x\n",
			[]string{"starts on line 3 is not closed"}},
		{"text after a closing quote", "name,notes\nAda,\"quoted\" then more\n", []string{"Line 2 has a quoted cell with text after"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := refusal(t, tc.content)
			for _, s := range tc.says {
				assert.Contains(t, msg, s)
			}
		})
	}
}

func TestAFileOverTheLimitIsRefusedWithItsSize(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("Ada,ada@example.com\n"), MaxFileBytes/20+1)
	msg := refusal(t, "name,email\n"+string(big))
	assert.Contains(t, msg, "the limit is 32.0 MB")
	assert.Contains(t, msg, "Split it")
}

func TestAByteOrderMarkIsRemovedAndNoted(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte("\xef\xbb\xbfName,Email\r\nAda,ada@example.com\r\n"))
	require.NoError(t, err)
	assert.True(t, f.BOM)
	assert.Equal(t, []string{"Name", "Email"}, f.Header, "the first header is Name, not a BOM and Name")
	assert.Equal(t, []DataRow{{Line: 2, Cells: []string{"Ada", "ada@example.com"}}}, f.Rows)

	f, err = Parse([]byte("Name\nAda\n"))
	require.NoError(t, err)
	assert.False(t, f.BOM)
}

func TestRowsKeepTheLineTheyStartOn(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte("name,notes\nAda,\"first\nsecond\"\n\n,\nBob,x\n"))
	require.NoError(t, err)
	require.Len(t, f.Rows, 2, "the blank line and the row of empty cells are left out")
	assert.Equal(t, 2, f.Rows[0].Line)
	assert.Equal(t, "first\nsecond", f.Rows[0].Cells[1], "a quoted line break is part of the cell")
	assert.Equal(t, 6, f.Rows[1].Line)
}

func TestTheSeparatorIsTheOneTheHeaderUses(t *testing.T) {
	t.Parallel()
	cases := map[string]rune{
		"name,email\nAda,a@example.com\n":                     ',',
		"name;email;company\nAda;a@example.com;\"Acme, Inc\"": ';',
		"name\temail\nAda\ta@example.com\n":                   '\t',
		"\"Name, full\";email\nAda;a@example.com\n":           ';',
		"name\nAda\n": ',',
	}
	for content, want := range cases {
		f, err := Parse([]byte(content))
		require.NoError(t, err, content)
		assert.Equal(t, string(want), string(f.Separator), content)
	}
	f, err := Parse([]byte("name;company\nAda;\"Acme; Sons\"\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Ada", "Acme; Sons"}, f.Rows[0].Cells)
}

func TestHeadersAreTrimmedAndInNFC(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte("  Socie\u0301te\u0301 , name\nx,y\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Société", "name"}, f.Header)
}
