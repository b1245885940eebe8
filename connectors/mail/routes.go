package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// maxLetterHTML bounds what is read back of a stored letter.html.
const maxLetterHTML = 8 << 20

// Routes mounts the console's view of letters' HTML and the remote image
// proxy; mail itself arrives over IMAP, not by webhook.
func (c *Connector) Routes(mux *http.ServeMux) {
	h := letterHandlers{letters: c.inbox.AttachmentReader, images: c.images, log: c.log,
		audit: func(ctx context.Context, sc access.Scope, e audit.Entry) error { return audit.Record(ctx, c.db, sc, e) }}
	mux.HandleFunc("GET /api/v1/mail/letters/{key}", httpapi.Authed(h.letter))
	mux.HandleFunc("GET /api/v1/mail/letters/{key}/images/{n}", httpapi.Authed(h.letterImage))
}

// letterHandlers show operators a letter's HTML and proxy its remote
// images. The letter is read through the inbox, which applies the
// operator's scope; the handlers hold no database of their own.
type letterHandlers struct {
	letters inbox.AttachmentReader
	images  *imageProxy
	log     *slog.Logger
	audit   func(ctx context.Context, sc access.Scope, e audit.Entry) error
}

// letter returns a letter's sanitised HTML: by default with remote
// images replaced by placeholders, with ?images=show pointing them at the
// proxy. Showing is the operator's choice for this one letter, and audited.
func (h letterHandlers) letter(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	key := r.PathValue("key")
	a, conv, data, err := h.letters.ReadAttachment(r.Context(), p.Scope, key, maxLetterHTML)
	if err == nil && a.ContentType != "text/html" {
		err = fmt.Errorf("mail: %s is not a letter's HTML: %w", a.BlobKey, db.ErrNotFound)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	show := r.URL.Query().Get("images") == "show"
	var imageURL func(int) string
	if show {
		imageURL = func(n int) string { return "/api/v1/mail/letters/" + key + "/images/" + strconv.Itoa(n) }
	}
	out, n := renderLetter(string(data), imageURL)
	if show && n > 0 {
		if err := h.audit(r.Context(), p.Scope, audit.Entry{Action: "mail.remote_images_shown", ObjectType: "letter",
			ObjectID: key, UnitID: conv.UnitID, Details: map[string]any{"conversation_id": conv.ID, "images": n}}); err != nil {
			httpapi.Error(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"html": out, "remote_images": n, "images_shown": show && n > 0})
}

// letterImage proxies the n-th remote image of a letter the caller may
// see; only addresses that are in the letter can be fetched, so the proxy
// is no open relay.
func (h letterHandlers) letterImage(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, _, data, err := h.letters.ReadAttachment(r.Context(), p.Scope, r.PathValue("key"), maxLetterHTML)
	if err == nil && a.ContentType != "text/html" {
		err = fmt.Errorf("mail: %s is not a letter's HTML: %w", a.BlobKey, db.ErrNotFound)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	urls := remoteImages(string(data))
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= len(urls) {
		httpapi.Error(w, r, valid.Errorf("n", "no_image", "the letter has %d remote images", len(urls)))
		return
	}
	img, ctype, err := h.images.fetch(r.Context(), urls[n])
	if err != nil {
		h.log.Warn("remote image refused", "letter", a.BlobKey, "url", urls[n], "err", err)
		status := http.StatusBadGateway
		if errors.Is(err, errNotPublic) {
			status = http.StatusForbidden
		}
		http.Error(w, "image not available", status)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(img)
}
