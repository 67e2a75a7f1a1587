package domain

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits shared by every aggregate that holds an email or a phone number.
const (
	MaxEmailLen = 254
	MaxPhoneLen = 40
	// MaxNotesLen is the longest notes a lead, contact or deal may hold.
	MaxNotesLen = 10_000
)

// NFC returns s in Unicode normal form C, the form every text is stored
// and searched in: "é" typed as one character or as "e" and a combining
// accent is then one string, which compares, searches and deduplicates as
// one.
func NFC(s string) string { return norm.NFC.String(s) }

// invisible reports whether r shows nothing on its own: white space, a
// format character (zero-width space and joiner, soft hyphen, byte order
// mark), another default-ignorable code point (Hangul fillers), a
// variation selector, a combining mark (which needs a base to show on),
// the blank braille pattern, or anything not graphic.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || !unicode.IsGraphic(r) || r == '\u2800' ||
		unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// Visible reports whether s has at least one character a reader can see,
// so a required name made only of invisible characters counts as empty.
func Visible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !invisible(r) }) >= 0
}

// CheckRequired adds a problem to v when s, a required one-line field, is
// empty or shows nothing.
func CheckRequired(v *ValidationError, field, label, s string) {
	switch {
	case s == "":
		v.Add(field, label+" is required.")
	case !Visible(s):
		v.Add(field, label+" must have a character you can see.")
	}
}

// CheckText adds a problem to v when s, a one-line field, is longer than
// limit characters or is not a single line of text.
func CheckText(v *ValidationError, field, label, s string, limit int) {
	if n := utf8.RuneCountInString(s); n > limit {
		v.Add(field, fmt.Sprintf("%s is %d characters; the limit is %d.", label, n, limit))
		return
	}
	CheckLine(v, field, label, s)
}

// CheckNotes adds a problem to v when s, a multi-line notes field, is
// longer than MaxNotesLen characters or holds what is not text. A merge of
// two reps' edits is checked by it too: both may fit where the two
// together do not.
func CheckNotes(v *ValidationError, field, label, s string) {
	if n := utf8.RuneCountInString(s); n > MaxNotesLen {
		v.Add(field, fmt.Sprintf("%s are %d characters; the limit is %d.", label, n, MaxNotesLen))
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		v.Add(field, label+" contain characters that are not text.")
	}
}

// CheckLine refuses control characters and broken UTF-8 in one-line fields:
// they cannot be typed into an input and only arrive from scripts. Line
// separators and bidirectional overrides are refused too: they break a
// line or make a name read differently from what is stored.
func CheckLine(v *ValidationError, field, label, s string) {
	if !utf8.ValidString(s) {
		v.Add(field, label+" contains characters that are not text.")
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r) {
			v.Add(field, label+" must be a single line of text.")
			return
		}
	}
}

// CheckEmail adds a problem to v unless s is empty or a bare address such
// as name@example.com.
func CheckEmail(v *ValidationError, field, s string) {
	if s == "" {
		return
	}
	const msg = "Email must look like name@example.com."
	if utf8.RuneCountInString(s) > MaxEmailLen {
		v.Add(field, fmt.Sprintf("Email is longer than %d characters.", MaxEmailLen))
		return
	}
	// net/mail lets line separators and bidirectional overrides through;
	// they would make the address read differently from what is stored.
	var line ValidationError
	if CheckLine(&line, field, "Email", s); line.Err() != nil {
		v.Add(field, msg)
		return
	}
	// An invisible character makes two addresses look the same.
	if strings.ContainsFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
	}) {
		v.Add(field, "Email must not contain invisible characters.")
		return
	}
	addr, err := mail.ParseAddress(s)
	// ParseAddress also accepts "Ada <ada@example.com>"; an email field
	// holds the bare address only.
	if err != nil || addr.Address != s || addr.Name != "" {
		v.Add(field, msg)
		return
	}
	at := strings.LastIndexByte(s, '@')
	if domainPart := s[at+1:]; !strings.Contains(domainPart, ".") || strings.HasPrefix(domainPart, "[") {
		v.Add(field, msg)
	}
}

// CheckPhone adds a problem to v unless s is empty or a phone number made
// of digits and the usual separators.
func CheckPhone(v *ValidationError, field, s string) {
	if s == "" {
		return
	}
	if utf8.RuneCountInString(s) > MaxPhoneLen {
		v.Add(field, fmt.Sprintf("Phone is longer than %d characters.", MaxPhoneLen))
		return
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().x/", r):
		default:
			v.Add(field, "Phone may hold digits, spaces and + - ( ) . / x only.")
			return
		}
	}
	if digits < 3 {
		v.Add(field, "Phone needs at least 3 digits.")
	}
}
