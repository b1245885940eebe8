package mailing

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// ImageGrace is how long an uploaded picture may wait for a letter to
// name it: the editor uploads a picture before the letter is saved.
const ImageGrace = 24 * time.Hour

// imageRef finds the pictures a saved content names, by path or by the
// absolute address made of it.
var imageRef = regexp.MustCompile(regexp.QuoteMeta(ImagePath) + `([0-9a-f-]{36})`)

// Sweep deletes the pictures uploaded before now-ImageGrace that no
// campaign (of any state: a sent letter's pictures are still fetched by
// its recipients) and no letter template names, rows first and then their
// blobs, and says how many went. Every node may sweep: a row deleted twice
// is deleted once.
func (s *Images) Sweep(ctx context.Context, now time.Time) (int, error) {
	type img struct{ id, key string }
	rows, err := s.db.QueryContext(ctx, `SELECT id, blob_key FROM mailing_images WHERE created_at < $1`, now.Add(-ImageGrace).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("mailing: image sweep: %w", err)
	}
	var old []img
	for rows.Next() {
		var i img
		if err := rows.Scan(&i.id, &i.key); err != nil {
			rows.Close()
			return 0, fmt.Errorf("mailing: image sweep: %w", err)
		}
		old = append(old, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(old) == 0 {
		return 0, err
	}
	used := map[string]bool{}
	for _, q := range []string{`SELECT content FROM mailing_campaigns WHERE content LIKE $1`, `SELECT content FROM mailing_templates WHERE content LIKE $1`} {
		if err := s.collectRefs(ctx, q, used); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, i := range old {
		if used[i.id] {
			continue
		}
		res, err := s.db.ExecContext(ctx, `DELETE FROM mailing_images WHERE id = $1`, i.id)
		if err != nil {
			return n, fmt.Errorf("mailing: image sweep: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			continue // another node's sweep took it
		}
		n++
		if i.key != "" && s.blobs != nil {
			if err := s.blobs.Delete(ctx, i.key); err != nil {
				return n, fmt.Errorf("mailing: image sweep: blob %s: %w", i.key, err)
			}
		}
	}
	return n, nil
}

func (s *Images) collectRefs(ctx context.Context, q string, used map[string]bool) error {
	rows, err := s.db.QueryContext(ctx, q, "%"+ImagePath+"%")
	if err != nil {
		return fmt.Errorf("mailing: image sweep: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var content string
		if err := rows.Scan(&content); err != nil {
			return fmt.Errorf("mailing: image sweep: %w", err)
		}
		for _, m := range imageRef.FindAllStringSubmatch(content, -1) {
			used[m[1]] = true
		}
	}
	return rows.Err()
}

// sweepImages runs Sweep every interval until ctx ends.
func (s *Images) sweepImages(ctx context.Context, every time.Duration, log func(n int, err error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.Sweep(ctx, time.UnixMilli(db.Now()))
			log(n, err)
		}
	}
}
