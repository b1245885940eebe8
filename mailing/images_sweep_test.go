package mailing_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// The block editor's pictures live in the blob store; a sweep a day after
// upload deletes the rows and blobs of those no campaign and no template
// names, and keeps the rest (and anything younger than a day).
func TestUnusedMailingPicturesAreSwept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		store, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		svc, err := mailing.New(mailing.Deps{DB: d, KV: f.kv, CRM: f.crm, Box: f.box, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			NodeID: "n", BaseURL: "https://hub.example.org", TokenKey: []byte(testKey), Tune: testTune, Blobs: store})
		if err != nil {
			t.Fatal(err)
		}
		upload := func(shade uint8) mailing.UploadedImage {
			t.Helper()
			var b bytes.Buffer
			img := image.NewGray(image.Rect(0, 0, 2, 2))
			img.Pix[0] = shade
			_ = png.Encode(&b, img)
			u, err := svc.Images.Upload(f.ctx, f.secA1, b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		inLetter, inTemplate, unused := upload(1), upload(2), upload(3)
		if inLetter.URL != "https://hub.example.org"+inLetter.Src {
			t.Fatalf("url %q", inLetter.URL)
		}
		var keys = map[string]string{}
		for _, u := range []mailing.UploadedImage{inLetter, inTemplate, unused} {
			var key, data string
			if err := d.QueryRow(`SELECT blob_key, data FROM mailing_images WHERE id = $1`, u.ID).Scan(&key, &data); err != nil || key == "" || data != "" {
				t.Fatalf("picture %s stored as key %q, %d bytes of base64 (%v)", u.ID, key, len(data), err)
			}
			keys[u.ID] = key
		}
		acc := f.account(0, 1)
		if _, err := svc.Campaigns.CreateCampaign(f.ctx, f.secA1, mailing.CampaignInput{Name: "С картинкой", Channels: []string{"email"},
			Accounts: []string{acc}, Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: f.a1.ID}}},
			Content: mailing.Content{Subject: "s", Blocks: []mailing.Block{{Type: "image", Src: inLetter.Src, Alt: "Зал"}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Templates.CreateTemplate(f.ctx, f.secA1, mailing.LetterTemplateInput{Name: "Шаблон", Subject: "s",
			Blocks: []mailing.Block{{Type: "image", Src: "https://hub.example.org" + inTemplate.Src, Alt: "Логотип"}}}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if n, err := svc.Images.Sweep(f.ctx, now); err != nil || n != 0 {
			t.Fatalf("a sweep within the grace deleted %d (%v)", n, err)
		}
		if n, err := svc.Images.Sweep(f.ctx, now.Add(mailing.ImageGrace+time.Hour)); err != nil || n != 1 {
			t.Fatalf("the sweep deleted %d, want 1 (%v)", n, err)
		}
		var left int
		_ = d.QueryRow(`SELECT COUNT(*) FROM mailing_images`).Scan(&left)
		if left != 2 {
			t.Fatalf("%d pictures left, want 2", left)
		}
		if _, err := store.Open(f.ctx, keys[unused.ID]); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the unused picture's blob is still there (%v)", err)
		}
		for _, u := range []mailing.UploadedImage{inLetter, inTemplate} {
			r, err := store.Open(f.ctx, keys[u.ID])
			if err != nil {
				t.Fatalf("a named picture's blob went: %v", err)
			}
			r.Close()
		}
	})
}
