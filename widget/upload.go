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

// httpUpload stores one file (multipart field "file") for the visitor's
// next message, which refers to it by key.
func (w *Widget) httpUpload(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := w.visitorByToken(ctx, ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if !w.countWithin(ctx, "uploads:"+v.ID, time.Hour, w.limitsFor(ch).UploadsPerVisitorHour) {
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
	limit := w.maxUpload()
	info, err := w.blobs.Put(ctx, br, limit)
	var maxErr *http.MaxBytesError
	if errors.Is(err, blob.ErrTooLarge) || errors.As(err, &maxErr) {
		fail(rw, r, http.StatusRequestEntityTooLarge, "too_large", "the file is larger than "+strconv.FormatInt(limit>>20, 10)+" MB")
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
	if err := w.recordUpload(ctx, v.ID, a); err != nil {
		_ = w.blobs.Delete(ctx, info.Key)
		httpapi.Error(rw, r, err)
		return
	}
	_, _ = io.Copy(io.Discard, part)
	httpapi.WriteJSON(rw, http.StatusCreated, map[string]any{"key": a.BlobKey, "name": a.Name, "content_type": a.ContentType, "size": a.Size})
}

// httpFile serves a file of the visitor's current conversation (theirs
// or an operator's), with the token in the query as images need.
func (w *Widget) httpFile(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := w.visitorByToken(ctx, ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	key := r.PathValue("key")
	found := false
	if v.ConversationID != "" {
		msgs, err := w.inbox.Conversations.Messages(ctx, system, v.ConversationID, 0, 1000)
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
	a, err := w.inbox.OpenAttachment(ctx, system, key)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	inbox.ServeAttachment(rw, r, a)
}
