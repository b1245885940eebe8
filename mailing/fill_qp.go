package mailing

import "sync/atomic"

// A flat template's static parts are the bulk of every letter, and the
// same bytes each time; only the column a part starts at (after values of
// different lengths) and the byte after it change how it is encoded. So
// each part's quoted-printable form is made once per starting column and
// kept, and a letter encodes only its values: the line breaks fall where
// they fall when the whole text is encoded (appendQPAt).

// qpColumns are the columns a piece can start at: appendQPAt never lets a
// line pass 75 characters before its soft break.
const qpColumns = 76

// qpSlot holds one static part's encoding from one starting column and
// kind of following byte, made by whichever letter needed it first.
type qpSlot = atomic.Pointer[qpEncoded]

type qpEncoded struct {
	enc []byte
	end int // the column after it
}

// qpNextKinds: a part's last byte depends on the next byte only if it is
// a space, a tab or a CR, and then only on whether that byte is the end,
// an LF, a CR or anything else; these stand for each kind.
var qpNextKinds = [4]int{'x', -1, '\n', '\r'}

func (t *flatTemplate) initQP() {
	t.qp = make([][]qpSlot, len(t.static))
	for i, s := range t.static {
		if len(s) > 0 {
			t.qp[i] = make([]qpSlot, qpColumns*len(qpNextKinds))
		}
	}
}

// appendStaticQP appends static part i encoded from column line, followed
// by the byte next.
func (t *flatTemplate) appendStaticQP(dst []byte, i, line, next int) ([]byte, int) {
	s := t.static[i]
	kind := 0
	if c := s[len(s)-1]; c == ' ' || c == '\t' || c == '\r' {
		switch next {
		case -1:
			kind = 1
		case '\n':
			kind = 2
		case '\r':
			kind = 3
		}
	}
	slot := &t.qp[i][line*len(qpNextKinds)+kind]
	e := slot.Load()
	if e == nil {
		// Two workers may both make it; they make the same bytes.
		e = &qpEncoded{}
		e.enc, e.end = appendQPAt(nil, s, line, qpNextKinds[kind])
		slot.Store(e)
	}
	return append(dst, e.enc...), e.end
}

// appendQP appends the text quoted-printable encoded, as appendQP of the
// whole text would: static parts from the cache, values encoded here.
func (f *flatValues) appendQP(dst []byte) []byte {
	line := 0
	pieces := 2*len(f.t.static) - 1 // static, value, static, ..., static
	for k := range pieces {
		p := f.piece(k)
		if len(p) == 0 {
			continue
		}
		next := -1
		for n := k + 1; n < pieces; n++ {
			if q := f.piece(n); len(q) > 0 {
				next = int(q[0])
				break
			}
		}
		if k%2 == 0 {
			dst, line = f.t.appendStaticQP(dst, k/2, line, next)
		} else {
			dst, line = appendQPAt(dst, p, line, next)
		}
	}
	return dst
}

// piece k is static part k/2 when k is even, else value k/2.
func (f *flatValues) piece(k int) []byte {
	if k%2 == 0 {
		return f.t.static[k/2]
	}
	return f.value(k / 2)
}
