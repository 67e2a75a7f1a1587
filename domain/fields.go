package domain

import (
	"strconv"
	"strings"
)

// Field is one editable field of a field set F: how it is read as text,
// the form in which reps see, compare and record it, and copied from
// another set.
type Field[F any] struct {
	Name string
	get  func(F) string
	copy func(dst *F, src F)
	// normalize puts the field in the form it is compared and stored in;
	// nil for a field that is kept exactly as typed.
	normalize func(*F)
	// set stores text as the field's value: for multi-line text, which two
	// edits merge line by line (see MergeLines); nil for every other field.
	set func(f *F, text string)
}

// Line is the one-line text field name, the member of F that member points
// to. White space around its value is not part of it, and it is kept in
// normal form C (see NFC).
func Line[F any](name string, member func(*F) *string) Field[F] {
	f := Text(name, member)
	f.normalize = func(f *F) { *member(f) = NFC(strings.TrimSpace(*member(f))) }
	f.set = nil // one line: nothing to merge line by line
	return f
}

// Text is the multi-line text field name, kept as typed, in normal form C.
func Text[F any](name string, member func(*F) *string) Field[F] {
	return Field[F]{Name: name,
		get:       func(f F) string { return *member(&f) },
		copy:      func(dst *F, src F) { *member(dst) = *member(&src) },
		normalize: func(f *F) { *member(f) = NFC(*member(f)) },
		set:       func(f *F, text string) { *member(f) = text }}
}

// Number is the whole-number field name.
func Number[F any](name string, member func(*F) *int) Field[F] {
	return Field[F]{Name: name,
		get:  func(f F) string { return strconv.Itoa(*member(&f)) },
		copy: func(dst *F, src F) { *member(dst) = *member(&src) }}
}

// Value is the field name made of the member that member points to, read
// as text by text: for values that are more than a string or a number,
// such as an amount with its currency.
func Value[F, V any](name string, member func(*F) *V, text func(V) string) Field[F] {
	return Field[F]{Name: name,
		get:  func(f F) string { return text(*member(&f)) },
		copy: func(dst *F, src F) { *member(dst) = *member(&src) }}
}

// Fields describes the editable fields of a field set F, in form order:
// the one description the generic comparison, merge and history read, so
// a field set's methods (Get, WithField, Normalize) need no code of their
// own.
type Fields[F any] []Field[F]

// Names lists the fields' names, in form order.
func (fs Fields[F]) Names() []string {
	names := make([]string, len(fs))
	for i, field := range fs {
		names[i] = field.Name
	}
	return names
}

// Get returns field name of f as text, or "" for a name that is not a field.
func (fs Fields[F]) Get(f F, name string) string {
	for _, field := range fs {
		if field.Name == name {
			return field.get(f)
		}
	}
	return ""
}

// With returns f with field name copied from src; another name leaves f
// as it is.
func (fs Fields[F]) With(f F, name string, src F) F {
	for _, field := range fs {
		if field.Name == name {
			field.copy(&f, src)
		}
	}
	return f
}

// Normalize returns f with white space trimmed from around its one-line
// fields, so "  Ada " and "Ada" are the same name, and its text in normal
// form C.
func (fs Fields[F]) Normalize(f F) F {
	for _, field := range fs {
		if field.normalize != nil {
			field.normalize(&f)
		}
	}
	return f
}

// WithLines returns f with the multi-line text field name set to text,
// and whether name is such a field (f unchanged when it is not): how a
// line-by-line merge of two edits is stored.
func (fs Fields[F]) WithLines(f F, name, text string) (F, bool) {
	for _, fd := range fs {
		if fd.Name == name && fd.set != nil {
			fd.set(&f, text)
			return f, true
		}
	}
	return f, false
}
