package imports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// MaxFileBytes bounds a file to import: 32 MiB holds a few hundred
// thousand rows, more than a rep imports at once, and a server never
// buffers more (the page reads the upload through http.MaxBytesReader).
// A larger file is refused whole, with a message saying to split it.
const MaxFileBytes = 32 << 20

// FieldFile names the upload in the refusals of a file: a file that
// cannot be imported is refused whole, as a *domain.RuleError whose
// message says why and where, and nothing is written.
const FieldFile = "file"

// utf8BOM is the byte order mark Excel writes at the start of "CSV UTF-8".
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// File is a CSV file as read: its header, its data rows and how it was
// written.
type File struct {
	Header []string
	Rows   []DataRow
	// BOM says the file began with a UTF-8 byte order mark, which was
	// removed (the preview says so).
	BOM bool
	// Separator is the character between cells: a comma, or the
	// semicolon or tab that spreadsheets write in some locales.
	Separator rune
}

// DataRow is one row of data: the line of the file it starts on and its
// cells, as many as the header has.
type DataRow struct {
	Line  int
	Cells []string
}

// refuse is the refusal of a whole file.
func refuse(format string, args ...any) error {
	return &domain.RuleError{Field: FieldFile, Message: fmt.Sprintf(format, args...)}
}

// Parse reads content as a CSV file with a header line, or refuses it
// whole, saying why and where: larger than MaxFileBytes, a spreadsheet
// or UTF-16 text rather than CSV, text that is not UTF-8 (naming the
// line), a row with more or fewer cells than the header (naming the
// line and both counts), a broken quote, no header or no rows. A UTF-8
// byte order mark is removed and noted. Rows whose every cell is empty
// (what a spreadsheet writes for blank rows at the end) are left out.
func Parse(content []byte) (*File, error) {
	if len(content) > MaxFileBytes {
		return nil, TooLarge(int64(len(content)))
	}
	switch {
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		return nil, refuse("This is a spreadsheet workbook (.xlsx), not a CSV file. In your spreadsheet choose " +
			"Save As (or Download) › CSV UTF-8, and import that file.")
	case bytes.HasPrefix(content, []byte{0xFF, 0xFE}), bytes.HasPrefix(content, []byte{0xFE, 0xFF}):
		return nil, refuse("This file is UTF-16 text (what Excel calls \"Unicode Text\"), not UTF-8. " +
			"Save it as CSV UTF-8 and import that file.")
	}
	f := &File{}
	if rest, ok := bytes.CutPrefix(content, utf8BOM); ok {
		content, f.BOM = rest, true
	}
	if len(bytes.TrimSpace(content)) == 0 {
		return nil, refuse("The file is empty: it needs a header line naming the columns, then one line per record.")
	}
	if err := checkUTF8(content); err != nil {
		return nil, err
	}
	f.Separator = separator(content)
	r := csv.NewReader(bytes.NewReader(content))
	r.Comma = f.Separator
	// Every row's count is checked here against the header, to name the
	// line and both counts in words.
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	f.Header = make([]string, len(header))
	named := false
	for i, h := range header {
		f.Header[i] = domain.NFC(strings.TrimSpace(h))
		named = named || f.Header[i] != ""
	}
	if !named {
		return nil, refuse("The first line of the file is the header, naming each column, but it names none.")
	}
	var ragged struct{ line, cells, more int }
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(cells) != len(f.Header) {
			if ragged.line == 0 {
				ragged.line, ragged.cells = line, len(cells)
			} else {
				ragged.more++
			}
			continue
		}
		if blank(cells) {
			continue
		}
		f.Rows = append(f.Rows, DataRow{Line: line, Cells: cells})
	}
	if ragged.line != 0 {
		more := ""
		if ragged.more > 0 {
			more = fmt.Sprintf(" (and %d more %s)", ragged.more, plural(ragged.more, "line does", "lines do"))
		}
		return nil, refuse("Line %d has %d %s but the header has %d%s. Every line needs one cell per column: "+
			"put cells that hold a %s in double quotes.", ragged.line, ragged.cells, plural(ragged.cells, "cell", "cells"),
			len(f.Header), more, separatorName(f.Separator))
	}
	if len(f.Rows) == 0 {
		return nil, refuse("The file has a header line but no rows to import.")
	}
	return f, nil
}

// TooLarge is the refusal of a file of size bytes, over MaxFileBytes.
func TooLarge(size int64) error {
	return refuse("The file is %s; the limit is %s. Split it into smaller files and import each.",
		megabytes(size), megabytes(MaxFileBytes))
}

// TooLargeUnknown is the refusal of a file found to be over MaxFileBytes
// before all of it was read.
func TooLargeUnknown() error {
	return refuse("The file is larger than %s, the limit. Split it into smaller files and import each.",
		megabytes(MaxFileBytes))
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// checkUTF8 refuses content that is not UTF-8, naming the first line
// that is not: a file saved as Windows-1252 or Latin-1 would otherwise
// import "Zoé" as garbage.
func checkUTF8(content []byte) error {
	if utf8.Valid(content) {
		return nil
	}
	at := 0
	for at < len(content) {
		r, size := utf8.DecodeRune(content[at:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		at += size
	}
	line := 1 + bytes.Count(content[:at], []byte("\n"))
	return refuse("Line %d is not UTF-8 text (byte 0x%02X): the file was saved in another encoding, such as "+
		"Windows-1252. Save it as CSV UTF-8 and import that file.", line, content[at])
}

// separator guesses the character between cells from the header line:
// the one of comma, semicolon and tab it holds most of (outside quotes),
// a comma when it holds none. Excel writes semicolons where the decimal
// separator is a comma, and "Text (tab-delimited)" writes tabs.
func separator(content []byte) rune {
	header, _, _ := bytes.Cut(content, []byte("\n"))
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(header) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted:
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func separatorName(r rune) string {
	switch r {
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	}
	return "comma"
}

// csvError words a CSV syntax error for the rep, naming its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read csv: %w", err)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return refuse("Line %d has a double quote (\") inside a cell that does not start with one. "+
			"Put the whole cell in double quotes and write each quote in it twice (\"\").", pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
		return refuse("The quoted cell that starts on line %d is not closed before line %d: "+
			"a closing double quote is missing.", pe.StartLine, pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		return refuse("Line %d has a quoted cell with text after its closing double quote. "+
			"Write each quote inside a cell twice (\"\").", pe.Line)
	}
	return refuse("Line %d cannot be read as CSV.", pe.Line)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
