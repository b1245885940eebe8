package mailing

// appendQP appends src encoded as quoted-printable (RFC 2045 §6.7) to
// dst, with CRLF line ends and lines of at most 76 characters. It does
// what mime/quotedprintable's Writer does, an order of magnitude faster:
// with 254,000 letters of 6 KB the encoder was the hub's biggest cost.
func appendQP(dst, src []byte) []byte {
	dst, _ = appendQPAt(dst, src, 0, -1)
	return dst
}

// appendQPAt encodes src as appendQP encodes it inside a longer input:
// starting at column line and followed by the byte next (-1: the input
// ends there), the only two things an encoded byte depends on beyond
// itself. It returns the column it ends at, so a letter can be encoded
// piece by piece (fill_qp.go) exactly as it is encoded whole.
func appendQPAt(dst, src []byte, line, next int) ([]byte, int) {
	const hex = "0123456789ABCDEF"
	after := func(i int) int { // the byte after src[i]
		if i+1 < len(src) {
			return int(src[i+1])
		}
		return next
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if qpFast[c] {
			// A run of bytes that stand for themselves, up to the line's end.
			j := i + 1
			for j < len(src) && j-i < 75-line && qpFast[src[j]] {
				j++
			}
			if line+(j-i) > 75 {
				dst = append(dst, '=', '\r', '\n')
				line = 0
			}
			dst = append(dst, src[i:j]...)
			line += j - i
			i = j - 1
			continue
		}
		if c == '\n' {
			dst = append(dst, '\r', '\n')
			line = 0
			continue
		}
		if c == '\r' && after(i) == '\n' {
			continue
		}
		plain := qpPlain[c]
		if a := after(i); (c == ' ' || c == '\t') && (a < 0 || a == '\n' || a == '\r') {
			plain = false // trailing white space would be lost in transit
		}
		n := 1
		if !plain {
			n = 3
		}
		if line+n > 75 {
			dst = append(dst, '=', '\r', '\n')
			line = 0
		}
		if plain {
			dst = append(dst, c)
		} else {
			dst = append(dst, '=', hex[c>>4], hex[c&15])
		}
		line += n
	}
	return dst, line
}

// qpFast are the plain bytes but space and tab (which need a look ahead).
var qpFast = func() (t [256]bool) {
	for c := 33; c <= 126; c++ {
		t[c] = c != '='
	}
	return
}()

// qpPlain marks the bytes written as themselves: printable ASCII but "=",
// plus space and tab.
var qpPlain = func() (t [256]bool) {
	for c := 33; c <= 126; c++ {
		t[c] = c != '='
	}
	t[' '], t['\t'] = true, true
	return
}()
