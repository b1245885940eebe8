package mailing

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
)

// What a restart makes of a flight log: sent letters are sent, a mark
// never settled may have gone, a settled one is nothing, and a line the
// crash cut short is skipped.
func TestReadFlightLog(t *testing.T) {
	for _, tc := range []struct {
		name, log    string
		sent, marked string
	}{
		{"empty", "", "[]", "[]"},
		{"one in flight", "m 1\n", "[]", "[1]"},
		{"sent", "m 1\ns 1\n", "[1]", "[]"},
		{"refused", "m 1\nd 1\n", "[]", "[]"},
		{"two connections", "m 1\nm 2\ns 1\nm 3\ns 2\nm 4\n", "[1 2]", "[3 4]"},
		{"sent stays sent", "m 5\ns 5\nm 5\n", "[5]", "[]"},
		{"marked again after a refusal", "m 6\nd 6\nm 6\n", "[]", "[6]"},
		{"a line cut short", "m 7\ns 7\nm 8\ns", "[7]", "[8]"},
		{"garbage", "x 9\nm\nm -3\nm abc\nmm 4\n", "[]", "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent, marked, err := readFlightLog(strings.NewReader(tc.log))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(sent); got != tc.sent {
				t.Errorf("sent %s, want %s", got, tc.sent)
			}
			if got := fmt.Sprint(marked); got != tc.marked {
				t.Errorf("marked %s, want %s", got, tc.marked)
			}
		})
	}
}

// Connections writing at once have their lines joined into fewer writes;
// each line is written once and whole, and each write returns only after
// its own lines are in the file.
func TestFlightLogJoinsWrites(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "flight")
	if err != nil {
		t.Fatal(err)
	}
	l := &flightLog{f: f, path: f.Name()}
	l.cond = sync.NewCond(&l.mu)
	defer l.close()
	const conns, letters = 8, 300
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range letters {
				seq := int64(c*letters + i + 1)
				if err := l.write(context.Background(), note(nil, 'm', seq)); err != nil {
					t.Error(err)
					return
				}
				if b, _ := os.ReadFile(f.Name()); !strings.Contains(string(b), string(note(nil, 'm', seq))) {
					t.Errorf("write of %d returned before its line was written", seq)
					return
				}
			}
		}()
	}
	wg.Wait()
	_, marked, err := readFlightLog(func() io.Reader { b, _ := os.ReadFile(f.Name()); return strings.NewReader(string(b)) }())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(f.Name())
	if len(marked) != conns*letters || strings.Count(string(b), "\n") != conns*letters {
		t.Fatalf("%d letters marked in %d lines, want %d", len(marked), strings.Count(string(b), "\n"), conns*letters)
	}
}
