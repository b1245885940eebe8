package mailing

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeVars reads a recipient's variables as json.Unmarshal into a zero
// Vars would. The runner reads one set per letter, and encoding/json's
// reflection was a twentieth of the hub's CPU per letter. The rows are
// written by json.Marshal (mustJSON), so the usual row, an object of
// plain strings, is read here directly; anything else (an escape, a key
// spelt otherwise, a null, invalid UTF-8) goes to encoding/json, which
// also gives the errors.
func decodeVars(b []byte, v *Vars) error {
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		var w Vars
		s := varsScanner{b: b}
		if s.object(w.field(&s)) && s.end() {
			*v = w
			return nil
		}
	}
	return json.Unmarshal(b, v)
}

// field reads the value of key into v; false: not a plain one.
func (v *Vars) field(s *varsScanner) func(key []byte) bool {
	return func(key []byte) bool {
		var dst *string
		switch string(key) {
		case "n":
			dst = &v.Name
		case "s":
			dst = &v.Surname
		case "g":
			dst = &v.GivenName
		case "p":
			dst = &v.Patronymic
		case "o":
			dst = &v.Organisation
		case "j":
			dst = &v.Position
		case "c":
			dst = &v.CardNumber
		case "d":
			dst = &v.DiscountCard
		case "x":
			if v.Custom == nil {
				v.Custom = map[string]string{}
			}
			return s.object(func(k []byte) bool {
				val, ok := s.str()
				v.Custom[string(k)] = string(val)
				return ok
			})
		default:
			return false
		}
		val, ok := s.str()
		*dst = string(val)
		return ok
	}
}

// varsScanner reads the JSON that decodeVars takes, without escapes.
type varsScanner struct {
	b []byte
	i int
}

func (s *varsScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// take skips spaces and c, if c comes next.
func (s *varsScanner) take(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *varsScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// str reads a string without escapes or control characters.
func (s *varsScanner) str() ([]byte, bool) {
	if !s.take('"') {
		return nil, false
	}
	start := s.i
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// object reads an object, handing each key to field, which reads its value.
func (s *varsScanner) object(field func(key []byte) bool) bool {
	if !s.take('{') {
		return false
	}
	if s.take('}') {
		return true
	}
	for {
		key, ok := s.str()
		if !ok || !s.take(':') || !field(key) {
			return false
		}
		if s.take('}') {
			return true
		}
		if !s.take(',') {
			return false
		}
	}
}
