package app

import (
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec is scs's gob codec that decodes each distinct session once.
// scs decodes the session on every request, and gob, which sends the types
// along with the values, took 7 % of a page save's CPU; a rep's session
// only changes when they sign in or a form is kept for them.
type sessionCodec struct {
	scs.GobCodec
	mu      sync.Mutex
	decoded map[string]decodedSession // by the encoded session
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// maxDecoded bounds what the codec remembers; past it, it starts afresh.
const maxDecoded = 10_000

func newSessionCodec() *sessionCodec {
	return &sessionCodec{decoded: map[string]decodedSession{}}
}

// Decode decodes b, or returns what it decoded from the same bytes before.
// The values are a copy each time: scs changes the map it is given.
func (c *sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.decoded[string(b)]
	c.mu.Unlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := c.GobCodec.Decode(b)
	if err != nil {
		return deadline, values, err
	}
	c.mu.Lock()
	if len(c.decoded) >= maxDecoded {
		clear(c.decoded)
	}
	c.decoded[string(b)] = decodedSession{deadline: deadline, values: maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}
