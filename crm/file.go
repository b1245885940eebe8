package crm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/blob"
)

// Files on appeal cards and in list records: office documents, PDFs,
// pictures and plain text, at most MaxFileBytes each. What a file is comes
// from its content: the name's extension must agree with the sniffed
// content, and so must the type the client declared, so a script or a
// page cannot pass for a PDF or a picture. Files are only ever served as
// downloads (see serveFile).

// MaxFileBytes caps one file of an appeal or a list record.
const MaxFileBytes = 20 << 20

// UploadPrefix is where CRM files are uploaded; the hub gives it a large
// body limit.
const UploadPrefix = "/api/v1/crm/uploads/"

// fileKinds maps an accepted extension to the type its content must sniff
// as and the type the file is stored and served with.
var fileKinds = map[string]struct{ sniffed, stored string }{
	".pdf":  {"application/pdf", "application/pdf"},
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".gif":  {"image/gif", "image/gif"},
	".webp": {"image/webp", "image/webp"},
	".txt":  {"text/plain", "text/plain"},
	".csv":  {"text/plain", "text/csv"},
	".rtf":  {"text/plain", "application/rtf"},
	".zip":  {"application/zip", "application/zip"},
	".docx": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xlsx": {"application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	".pptx": {"application/zip", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	".odt":  {"application/zip", "application/vnd.oasis.opendocument.text"},
	".ods":  {"application/zip", "application/vnd.oasis.opendocument.spreadsheet"},
	".doc":  {oleType, "application/msword"},
	".xls":  {oleType, "application/vnd.ms-excel"},
}

// oleType is the old Office binary format, which net/http does not sniff.
const oleType = "application/x-ole-storage"

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// StoredFile describes a kept file.
type StoredFile struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	SHA256      string    `json:"sha256,omitempty"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	UploadedAt  time.Time `json:"uploaded_at,omitzero"`
	blobKey     string
}

// fileStore keeps the bytes of the files of appeals and list records in
// the blob store; the services record them in their tables.
type fileStore struct{ blobs blob.Store }

var errNoBlobs = errors.New("crm: files need the blob store (Deps.Blobs)")

// put checks a file and stores its bytes; the caller records it and
// deletes the blob (delete) if that fails.
func (s fileStore) put(ctx context.Context, name, declared string, r io.Reader) (StoredFile, error) {
	if s.blobs == nil {
		return StoredFile{}, errNoBlobs
	}
	name = blob.CleanName(name)
	kind, ok := fileKinds[strings.ToLower(path.Ext(name))]
	if !ok {
		return StoredFile{}, valid.Errorf("name", "file_type", "%q: accepted files are PDF, pictures, text and office documents (pdf, png, jpg, gif, webp, txt, csv, rtf, zip, doc, docx, xls, xlsx, pptx, odt, ods)", name)
	}
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return StoredFile{}, valid.Errorf("file", "empty", "the file is empty")
	}
	sniffed := sniff(head)
	if sniffed != kind.sniffed {
		return StoredFile{}, valid.Errorf("file", "file_content", "%q: the content is %s, not what the name says", name, sniffed)
	}
	if d, _, err := mime.ParseMediaType(declared); err == nil && d != "application/octet-stream" && d != sniffed && d != kind.stored &&
		!(strings.HasPrefix(d, "text/") && sniffed == "text/plain") {
		return StoredFile{}, valid.Errorf("file", "file_content", "%q: declared as %s, but the content is %s", name, d, sniffed)
	}
	info, err := s.blobs.Put(ctx, br, MaxFileBytes)
	if errors.Is(err, blob.ErrTooLarge) {
		return StoredFile{}, valid.Errorf("file", "too_large", "a file may have at most %d MB", MaxFileBytes>>20)
	}
	if err != nil {
		return StoredFile{}, err
	}
	return StoredFile{Name: name, Size: info.Size, ContentType: kind.stored, SHA256: info.SHA256, blobKey: info.Key}, nil
}

func sniff(head []byte) string {
	if bytes.HasPrefix(head, oleMagic) {
		return oleType
	}
	t, _, err := mime.ParseMediaType(http.DetectContentType(head))
	if err != nil {
		return "application/octet-stream"
	}
	return t
}

// delete removes the bytes of a file whose record was not written.
func (s fileStore) delete(ctx context.Context, f StoredFile) {
	_ = s.blobs.Delete(context.WithoutCancel(ctx), f.blobKey)
}

// open returns the content of a kept file, for serveFile.
func (s fileStore) open(ctx context.Context, f StoredFile) (io.ReadSeekCloser, error) {
	if s.blobs == nil {
		return nil, errNoBlobs
	}
	rd, err := s.blobs.Open(ctx, f.blobKey)
	if err != nil {
		return nil, fmt.Errorf("crm: file %s: %w", f.ID, err)
	}
	return rd, nil
}

// serveFile writes a kept file, opened by fileStore.open, as a download
// that the browser neither renders in our origin nor second-guesses.
func serveFile(w http.ResponseWriter, r *http.Request, f StoredFile, rd io.ReadSeekCloser) {
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	if f.SHA256 != "" {
		h.Set("ETag", strconv.Quote(f.SHA256))
	}
	http.ServeContent(w, r, "", f.UploadedAt, rd)
}
