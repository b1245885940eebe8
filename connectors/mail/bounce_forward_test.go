package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
)

type recordedBounces struct {
	ids  []string
	fail error
}

func (r *recordedBounces) RecordBounce(_ context.Context, id, reason string) error {
	if r.fail != nil {
		return r.fail
	}
	if id == "m.9.unknown@union.example" {
		return fmt.Errorf("no such campaign letter: %w", db.ErrNotFound)
	}
	r.ids = append(r.ids, id+" "+reason)
	return nil
}

// Only campaign Message-IDs go to the mailing service, each once; one it
// does not know is skipped, a failure to record keeps the bounce for
// another reading.
func TestForwardBounce(t *testing.T) {
	rec := &recordedBounces{}
	c := &Connector{bounces: rec}
	refs := []string{"<m.3.0190abcd@union.example>", "out.m1.c1@union.example", "<m.3.0190abcd@union.example>", "m.9.unknown@union.example"}
	if err := c.forwardBounce(context.Background(), refs, "550 user unknown"); err != nil {
		t.Fatal(err)
	}
	if len(rec.ids) != 1 || rec.ids[0] != "m.3.0190abcd@union.example 550 user unknown" {
		t.Fatalf("forwarded %q", rec.ids)
	}
	rec.fail = errors.New("database down")
	if err := c.forwardBounce(context.Background(), refs, "x"); err == nil {
		t.Fatal("a failure to record the bounce was swallowed")
	}
	if err := (&Connector{}).forwardBounce(context.Background(), refs, "x"); err != nil {
		t.Fatalf("without a mailing service: %v", err)
	}
}

// The bounce fixture, rewritten to report a campaign letter, reaches the
// recorder through the parser's references.
func TestBounceOfCampaignLetterIsParsed(t *testing.T) {
	l := parseLetter([]byte(strings.ReplaceAll(letterBounce, "out.m1.c1@union.example", "m.7.0190ffff@union.example")), defaultLimits, "")
	if !l.bounce {
		t.Fatal("not a bounce")
	}
	rec := &recordedBounces{}
	refs := append(append(append([]string{}, l.bounceOf...), l.inReplyTo...), l.references...)
	if err := (&Connector{bounces: rec}).forwardBounce(context.Background(), refs, l.bounceWhy); err != nil {
		t.Fatal(err)
	}
	if len(rec.ids) != 1 {
		t.Fatalf("forwarded %q from refs %q", rec.ids, refs)
	}
}
