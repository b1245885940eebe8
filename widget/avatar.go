package widget

import (
	"io"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
)

// AvatarPath is where operators' photos are served to visitors, by the
// photo's blob key: random, and replaced with every new photo, so the
// address is unguessable and a cache may keep it for good. Only a key
// that is some user's avatar now is served; every other blob stays
// behind its own checks.
const AvatarPath = "/widget/v1/avatar/"

func (w *Widget) httpAvatar(rw http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	ok, err := w.org.IsAvatar(r.Context(), key)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if !ok {
		fail(rw, r, http.StatusNotFound, "not_found", "no such photo")
		return
	}
	f, err := w.blobs.Open(r.Context(), key)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	defer f.Close()
	// The type is sniffed again, as it was when the photo was accepted.
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", http.DetectContentType(head[:n]))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin") // shown on the union's site
	http.ServeContent(rw, r, "", time.Time{}, f)
}
