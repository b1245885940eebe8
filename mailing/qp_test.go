package mailing

import (
	"bytes"
	"io"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// appendQP must decode back to its input (line ends as CRLF) and keep
// lines within 76 characters, for any input.
func TestAppendQPRoundTrip(t *testing.T) {
	inputs := []string{"", "plain", "Привет, мир!", "a=b", "trailing space \nnext\t\n", strings.Repeat("x", 300),
		strings.Repeat("я", 100), "line\r\nwith crlf\r\n", ".starts with a dot\n.again"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, r.IntN(400))
		for i := range b {
			alphabet := " \t\nab=.яz\xff"
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		enc := appendQP(nil, []byte(in))
		for _, line := range bytes.Split(enc, []byte("\r\n")) {
			if len(line) > 76 {
				t.Fatalf("line of %d: %q", len(line), line)
			}
		}
		dec, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(enc)))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		want := strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\n", "\r\n")
		if string(dec) != want {
			t.Fatalf("round trip of %q gave %q (encoded %q)", in, dec, enc)
		}
	}
}
