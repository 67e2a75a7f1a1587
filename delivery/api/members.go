package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
)

// jsonObject is a JSON object read member by member, each value kept raw
// until a handler asks for it with the type it expects. That is what makes
// a merge patch possible (an absent member is no change) and lets every
// type mistake be reported against its field, all at once.
type jsonObject struct {
	prefix   string // "amount." for the members of a nested object
	members  map[string]json.RawMessage
	keys     []string // in body order
	used     map[string]bool
	problems *[]fieldError // shared with nested objects
}

// parseObject reads data as exactly one JSON object: a duplicate member,
// which RFC 8259 leaves to the parser to resolve, and anything after the
// object are errors.
func parseObject(data []byte, prefix string) (*jsonObject, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, describeJSONError(err)
	} else if tok != json.Delim('{') {
		return nil, fmt.Errorf("it must be an object, {...}")
	}
	o := &jsonObject{prefix: prefix, members: map[string]json.RawMessage{}, used: map[string]bool{}, problems: new([]fieldError)}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, describeJSONError(err)
		}
		key, _ := tok.(string) // object keys are always strings to Token
		if _, dup := o.members[key]; dup {
			return nil, fmt.Errorf("member %q appears twice", prefix+key)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, describeJSONError(err)
		}
		o.members[key] = raw
		o.keys = append(o.keys, key)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("there is more data after the object")
	}
	return o, nil
}

func describeJSONError(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%v (at byte %d)", syntax, syntax.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("it ends too early")
	}
	return err
}

func (o *jsonObject) problem(name, message string) {
	*o.problems = append(*o.problems, fieldError{Field: o.prefix + name, Message: message})
}

// take returns the raw value of member name and marks it read; ok is false
// when it is absent or null. Every member of a representation has a value,
// so null is an error rather than "delete" as in a merge patch.
func (o *jsonObject) take(name, clear string) (json.RawMessage, bool) {
	raw, present := o.members[name]
	if !present {
		return nil, false
	}
	o.used[name] = true
	if string(raw) == "null" {
		o.problem(name, "Cannot be null; "+clear+".")
		return nil, false
	}
	return raw, true
}

// text returns member name, nil when it is absent or not a string.
func (o *jsonObject) text(name string) *string {
	raw, ok := o.take(name, `send "" to clear it`)
	if !ok {
		return nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		o.problem(name, "Must be a string; got "+jsonKind(raw)+".")
		return nil
	}
	if strings.ContainsRune(s, 0) {
		o.problem(name, "Must not contain NUL characters (\\u0000).")
		return nil
	}
	return &s
}

// require records a problem when member name is absent; example shows a
// value it could have.
func (o *jsonObject) require(name, example string) {
	if _, ok := o.members[name]; !ok {
		o.problem(name, "Required, such as "+example+".")
	}
}

// integer returns member name when it is present and a JSON integer: no
// fraction, no exponent, no quotes. example illustrates it in messages.
func (o *jsonObject) integer(name, example string) (int64, bool) {
	raw, ok := o.take(name, "leave the member out instead")
	if !ok {
		return 0, false
	}
	var n int64
	if isJSONInteger(raw) && json.Unmarshal(raw, &n) != nil {
		o.problem(name, "Is too large.")
		return 0, false
	}
	if !isJSONInteger(raw) {
		got := jsonKind(raw)
		if got == "a number" {
			got = string(raw)
		}
		o.problem(name, fmt.Sprintf("Must be a whole number written as a JSON integer, such as %s; got %s.", example, got))
		return 0, false
	}
	return n, true
}

// version returns the version member, 0 when absent.
func (o *jsonObject) version() int64 {
	v, ok := o.integer("version", "3")
	if ok && v < 1 {
		o.problem("version", "Must be 1 or more.")
		return 0
	}
	return v
}

// object returns member name as a nested object, nil when it is absent or
// not an object.
func (o *jsonObject) object(name string) *jsonObject {
	raw, ok := o.take(name, "leave the member out instead")
	if !ok {
		return nil
	}
	if raw[0] != '{' {
		o.problem(name, "Must be an object; got "+jsonKind(raw)+".")
		return nil
	}
	nested, err := parseObject(raw, o.prefix+name+".")
	if err != nil {
		o.problem(name, err.Error())
		return nil
	}
	nested.problems = o.problems
	return nested
}

// done reports every problem found, in this object and the objects nested
// in it, after refusing the members nobody read (see rejectUnknown).
func (o *jsonObject) done(hints map[string]string) error {
	o.rejectUnknown(hints)
	if len(*o.problems) == 0 {
		return nil
	}
	msgs := make([]string, len(*o.problems))
	for i, p := range *o.problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return &requestError{kind: kindMalformed, fields: *o.problems,
		detail: "Nothing was saved. " + strings.Join(msgs, " ")}
}

// rejectUnknown records a problem for every member nobody read: an unknown
// member is refused rather than ignored, so a typo ("emial") never looks
// like a successful save. hints explain members that exist in the
// representation but cannot be written this way.
func (o *jsonObject) rejectUnknown(hints map[string]string) {
	for _, key := range o.keys {
		if o.used[key] {
			continue
		}
		if hint, ok := hints[key]; ok {
			o.problem(key, hint)
		} else {
			o.problem(key, "Unknown field.")
		}
	}
}

func isJSONInteger(raw []byte) bool {
	s := strings.TrimPrefix(string(raw), "-")
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// jsonKind names the type of a raw JSON value, for messages.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// int returns member name as an int, nil when it is absent or not a JSON
// integer. Whether the number is in range is the domain's to say (422).
func (o *jsonObject) int(name, example string) *int {
	n, ok := o.integer(name, example)
	if !ok {
		return nil
	}
	v := int(n)
	if int64(v) != n {
		o.problem(name, "Is too large.")
		return nil
	}
	return &v
}

// set copies *v to *dst when the body gave v: a merge patch leaves absent
// members as they are.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// withHint returns hints with one more entry, leaving hints itself alone.
func withHint(hints map[string]string, key, hint string) map[string]string {
	out := make(map[string]string, len(hints)+1)
	maps.Copy(out, hints)
	out[key] = hint
	return out
}

// boolean returns member name, nil when it is absent or not true or false.
func (o *jsonObject) boolean(name string) *bool {
	raw, ok := o.take(name, "leave the member out instead")
	if !ok {
		return nil
	}
	var b bool
	if (raw[0] != 't' && raw[0] != 'f') || json.Unmarshal(raw, &b) != nil {
		o.problem(name, "Must be true or false; got "+jsonKind(raw)+".")
		return nil
	}
	return &b
}
