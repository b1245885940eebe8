package org_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAGElEQVR4nGI6ISf3nwEG5ORO/AcEAAD//yJzBAmXh09FAAAAAElFTkSuQmCC")

func TestAvatarTypeIsSniffed(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string // "" for refused
		code string
	}{
		{"png", tinyPNG, "image/png", ""},
		{"jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 60)...), "image/jpeg", ""},
		{"webp", append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), make([]byte, 40)...), "image/webp", ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", "type"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "type"},
		{"html named png", []byte("<html><body>hi</body></html>"), "", "type"},
		{"empty", nil, "", "empty"},
		{"too large", append(append([]byte{}, tinyPNG...), bytes.Repeat([]byte{0}, org.MaxAvatarBytes)...), "", "too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := org.AvatarType(tc.data)
			var ve *valid.Error
			switch {
			case tc.want != "" && (err != nil || got != tc.want):
				t.Fatalf("AvatarType = %q, %v; want %q", got, err, tc.want)
			case tc.want == "" && (!errors.As(err, &ve) || ve.Code != tc.code):
				t.Fatalf("AvatarType = %q, %v; want a valid.Error %q", got, err, tc.code)
			}
		})
	}
}

func TestSetAvatar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewStore(d)
		tr := buildTree(t, s)
		op := addUser(t, s, tr.sys, "op", access.Operator, tr.a1.ID)
		other := addUser(t, s, tr.sys, "other", access.Operator, tr.a1.ID)
		self := access.Scope{UserID: op.ID, Role: access.Operator, UnitID: tr.a1.ID, UnitPath: tr.a1.Path}

		if prev, err := s.SetAvatar(ctx, self, op.ID, "key-1"); err != nil || prev != "" {
			t.Fatalf("first avatar: prev %q, %v", prev, err)
		}
		if prev, err := s.SetAvatar(ctx, self, op.ID, "key-2"); err != nil || prev != "key-1" {
			t.Fatalf("new avatar: prev %q, %v", prev, err)
		}
		if key, err := s.AvatarKey(ctx, op.ID); err != nil || key != "key-2" {
			t.Fatalf("AvatarKey = %q, %v", key, err)
		}
		for key, want := range map[string]bool{"key-2": true, "key-1": false, "": false, "nobody": false} {
			if ok, err := s.IsAvatar(ctx, key); err != nil || ok != want {
				t.Errorf("IsAvatar(%q) = %v, %v; want %v", key, ok, err, want)
			}
		}
		if _, err := s.SetAvatar(ctx, self, other.ID, "key-3"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("an operator set another's avatar: %v", err)
		}
		if prev, err := s.SetAvatar(ctx, tr.sys, other.ID, "key-3"); err != nil || prev != "" {
			t.Fatalf("a manager set a user's avatar: %q, %v", prev, err)
		}
		if prev, err := s.SetAvatar(ctx, self, op.ID, ""); err != nil || prev != "key-2" {
			t.Fatalf("remove: prev %q, %v", prev, err)
		}
		if ok, _ := s.IsAvatar(ctx, "key-2"); ok {
			t.Fatal("a removed avatar is still served")
		}
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'user.avatar' AND object_id = $1`, op.ID).Scan(&n); err != nil || n != 3 {
			t.Fatalf("audit entries for the avatar: %d, %v", n, err)
		}
	})
}
