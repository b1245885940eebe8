package widget

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/storage/blob"
)

// uploadTypes are what a visitor may send: pictures and PDFs, recognised
// from the content, not from the name or the browser's claim.
var uploadTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

// AvatarPath is where operators' photos are served to visitors, by the
// photo's blob key: random, and replaced with every new photo, so the
// address is unguessable and a cache may keep it for good. Only a key
// that is some user's avatar now is served; every other blob stays
// behind its own checks.
const AvatarPath = "/widget/v1/avatar/"

// fileHandlers serve files: a visitor's uploads, the files of their
// conversation, and operators' photos.
type fileHandlers struct {
	channels      *Channels
	visitors      *Visitors
	uploads       *Uploads
	limiter       *Limiter
	blobs         blob.Store
	conversations *inbox.Conversations
	attachments   inbox.AttachmentServer
	staff         Staff
}

// upload stores one file (multipart field "file") for the visitor's
// next message, which refers to it by key.
func (h fileHandlers) upload(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := h.visitors.byToken(ctx, ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if !h.limiter.countWithin(ctx, "uploads:"+v.ID, time.Hour, h.channels.limitsFor(ch).UploadsPerVisitorHour) {
		fail(rw, r, http.StatusTooManyRequests, "rate_limited", "too many files; please try again later")
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		fail(rw, r, http.StatusBadRequest, "invalid", "send the file as multipart/form-data, field \"file\"")
		return
	}
	part, err := mr.NextPart()
	for err == nil && part.FormName() != "file" {
		part, err = mr.NextPart()
	}
	if err != nil {
		fail(rw, r, http.StatusBadRequest, "invalid", "send the file as multipart/form-data, field \"file\"")
		return
	}
	br := bufio.NewReaderSize(part, 512)
	head, _ := br.Peek(512)
	ctype, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if !slices.Contains(uploadTypes, ctype) {
		fail(rw, r, http.StatusUnsupportedMediaType, "file_type", "only pictures (PNG, JPEG, GIF, WebP) and PDF files can be sent")
		return
	}
	limit := h.channels.maxUpload()
	info, err := h.blobs.Put(ctx, br, limit)
	var maxErr *http.MaxBytesError
	if errors.Is(err, blob.ErrTooLarge) || errors.As(err, &maxErr) {
		fail(rw, r, http.StatusRequestEntityTooLarge, "too_large", "the file is larger than "+strconv.FormatInt(limit>>20, 10)+" MiB")
		return
	}
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	a := inbox.Attachment{BlobKey: info.Key, Name: blob.CleanName(part.FileName()), ContentType: ctype, Size: info.Size}
	if a.Name == "" {
		a.Name = "file"
	}
	if err := h.uploads.record(ctx, v.ID, a); err != nil {
		_ = h.blobs.Delete(ctx, info.Key)
		httpapi.Error(rw, r, err)
		return
	}
	_, _ = io.Copy(io.Discard, part)
	httpapi.WriteJSON(rw, http.StatusCreated, map[string]any{"key": a.BlobKey, "name": a.Name, "content_type": a.ContentType, "size": a.Size})
}

// file serves a file of the visitor's current conversation (theirs
// or an operator's), with the token in the query as images need.
func (h fileHandlers) file(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := h.visitors.byToken(ctx, ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	key := r.PathValue("key")
	found := false
	if v.ConversationID != "" {
		msgs, err := h.conversations.Messages(ctx, system, v.ConversationID, 0, 1000)
		if err != nil {
			httpapi.Error(rw, r, err)
			return
		}
		for _, m := range msgs {
			if m.Direction == inbox.DirIn || m.Direction == inbox.DirOut {
				found = found || slices.ContainsFunc(m.Attachments, func(a inbox.Attachment) bool { return a.BlobKey == key })
			}
		}
	}
	if !found {
		fail(rw, r, http.StatusNotFound, "not_found", "no such file")
		return
	}
	a, err := h.attachments.OpenAttachment(ctx, system, key)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	inbox.ServeAttachment(rw, r, a)
}

// avatar serves an operator's photo.
func (h fileHandlers) avatar(rw http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	ok, err := h.staff.IsAvatar(r.Context(), key)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if !ok {
		fail(rw, r, http.StatusNotFound, "not_found", "no such photo")
		return
	}
	f, err := h.blobs.Open(r.Context(), key)
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
	hd := rw.Header()
	hd.Set("Content-Type", http.DetectContentType(head[:n]))
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin") // shown on the union's site
	http.ServeContent(rw, r, "", time.Time{}, f)
}
