package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// etag is the strong validator of a representation at version: the version
// in quotes. Two representations with the same version are byte for byte
// the same resource state, so the validator is strong (RFC 9110 §8.8.1).
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// entityTag is one entity-tag of an If-Match or If-None-Match list.
type entityTag struct {
	weak   bool
	opaque string // between the quotes
}

// tagList is an If-Match or If-None-Match field value: "*" or a list of
// entity tags.
type tagList struct {
	any  bool
	tags []entityTag
}

// matchesStrong is RFC 9110's strong comparison, the one If-Match uses: a
// weak tag never matches.
func (l tagList) matchesStrong(version int64) bool {
	want := strconv.FormatInt(version, 10)
	for _, t := range l.tags {
		if !t.weak && t.opaque == want {
			return true
		}
	}
	return false
}

// matchesWeak is RFC 9110's weak comparison, the one If-None-Match uses.
func (l tagList) matchesWeak(version int64) bool {
	want := strconv.FormatInt(version, 10)
	for _, t := range l.tags {
		if t.opaque == want {
			return true
		}
	}
	return false
}

// parseTagList parses the field lines of an If-Match or If-None-Match
// header: "*" alone, or a comma-separated list of entity-tags
// ([W/]"opaque", RFC 9110 §8.8.3). Anything else is an error.
func parseTagList(values []string) (tagList, error) {
	s := strings.Join(values, ",")
	if strings.Trim(s, " \t") == "*" {
		return tagList{any: true}, nil
	}
	var l tagList
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			break
		}
		var t entityTag
		if strings.HasPrefix(s, "W/") {
			t.weak, s = true, s[2:]
		}
		if !strings.HasPrefix(s, `"`) {
			return tagList{}, fmt.Errorf("entity tag must be quoted")
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return tagList{}, fmt.Errorf("entity tag has no closing quote")
		}
		t.opaque = s[1 : 1+end]
		for _, c := range []byte(t.opaque) {
			// etagc = %x21 / %x23-7E / obs-text
			if c < 0x21 || c == 0x7f {
				return tagList{}, fmt.Errorf("entity tag holds a character it may not")
			}
		}
		l.tags = append(l.tags, t)
		s = strings.TrimLeft(s[2+end:], " \t")
		if s != "" && s[0] != ',' {
			return tagList{}, fmt.Errorf("entity tags must be separated by commas")
		}
	}
	if len(l.tags) == 0 {
		return tagList{}, fmt.Errorf("no entity tag")
	}
	return l, nil
}

// checkRead evaluates the preconditions of a GET in RFC 9110 §13.2.2 order:
// If-Match (412 when it fails), then If-None-Match, which reports
// notModified when the client already holds this version.
func checkRead(r *http.Request, resource string, version int64, current any) (notModified bool, err error) {
	if values := r.Header.Values("If-Match"); len(values) > 0 {
		l, err := parseTagList(values)
		if err != nil {
			return false, malformed("If-Match must be * or entity tags such as \"3\": %v.", err)
		}
		if !l.any && !l.matchesStrong(version) {
			return false, &staleError{kind: kindPreconditionFailed, resource: resource,
				sent: "If-Match: " + strings.Join(values, ", "), version: version, current: current}
		}
	}
	if values := r.Header.Values("If-None-Match"); len(values) > 0 {
		l, err := parseTagList(values)
		if err != nil {
			return false, malformed("If-None-Match must be * or entity tags such as \"3\": %v.", err)
		}
		return l.any || l.matchesWeak(version), nil
	}
	return false, nil
}

// writeCondition is the version a write claims to start from: the If-Match
// every write must carry and, optionally, a version in the body.
type writeCondition struct {
	ifMatch     tagList
	raw         string // If-Match as sent, for messages
	bodyVersion int64  // 0 when the body has none
}

// requireIfMatch reads the If-Match of a write. Without one the API could
// not tell an edit of the current version from a blind overwrite, so it is
// required (RFC 6585 §3); "*" would be exactly such an overwrite.
func requireIfMatch(r *http.Request) (writeCondition, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return writeCondition{}, &requestError{kind: kindPreconditionRequired, detail: "This write needs If-Match with the ETag " +
			"of the version you edited, in the form If-Match: \"<version>\"; GET the resource to learn its ETag. Nothing was saved."}
	}
	l, err := parseTagList(values)
	if err != nil {
		return writeCondition{}, malformed("If-Match must be an entity tag such as \"3\": %v. Nothing was saved.", err)
	}
	if l.any {
		return writeCondition{}, &requestError{kind: kindPreconditionRequired, detail: "If-Match: * is not accepted for writes: " +
			"a version is required, so send the ETag of the version you edited, in the form If-Match: \"<version>\". Nothing was saved."}
	}
	return writeCondition{ifMatch: l, raw: strings.Join(values, ", ")}, nil
}

// setBodyVersion records the version the body carries, 0 for none. A body
// and an If-Match that name different versions leave no way to know which
// one the client meant.
func (c *writeCondition) setBodyVersion(v int64) error {
	if v == 0 {
		return nil
	}
	if !c.ifMatch.matchesStrong(v) {
		return &requestError{kind: kindMalformed, fields: []fieldError{{Field: "version", Message: "Does not match If-Match."}},
			detail: fmt.Sprintf("The body says version %d but If-Match says %s; send the same version in both, "+
				"or leave version out of the body. Nothing was saved.", v, c.raw)}
	}
	c.bodyVersion = v
	return nil
}

// check compares the claimed version with the current one. A stale body
// version is a 409: the body is the edit, made against an older version. A
// stale If-Match alone is a failed precondition, 412. Both carry current.
func (c writeCondition) check(resource string, version int64, current any) error {
	if c.bodyVersion != 0 && c.bodyVersion != version {
		return &staleError{kind: kindVersionConflict, resource: resource,
			sent: fmt.Sprintf("version %d in the body", c.bodyVersion), version: version, current: current}
	}
	if !c.ifMatch.matchesStrong(version) {
		return &staleError{kind: kindPreconditionFailed, resource: resource,
			sent: "If-Match: " + c.raw, version: version, current: current}
	}
	return nil
}

// readBodyVersion reads the optional version member of a write's body,
// finishes reading the body (see jsonObject.done) and checks the version
// agrees with If-Match.
func (c *writeCondition) readBodyVersion(o *jsonObject, hints map[string]string) error {
	v := o.version()
	if err := o.done(hints); err != nil {
		return err
	}
	return c.setBodyVersion(v)
}
