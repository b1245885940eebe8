package crm_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// raw runs one request with a raw body as sc against the CRM routes.
func (f *fixture) raw(t *testing.T, sc access.Scope, method, path, ctype string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	mux := http.NewServeMux()
	f.s.Routes(mux)
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req = req.WithContext(auth.WithPrincipal(req.Context(), &auth.Principal{Scope: sc}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

func (f *fixture) withBlobs(t *testing.T) {
	t.Helper()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.s = crm.New(crm.Deps{DB: f.d, Blobs: blobs})
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

func TestAppealCommentsFilesHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.withBlobs(t)
		a, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "Кузнецова", Subject: "Материальная помощь"})
		if err != nil {
			t.Fatal(err)
		}
		up := appealUploadPath(a.ID)

		// A hostile name is cleaned; the content decides what the file is.
		hostile := "../../etc/заявление\u202Efdp.pdf"
		code, _, body := f.raw(t, f.opA1, "POST", up+"?name="+url.QueryEscape(hostile), "application/pdf", pdf)
		var file crm.StoredFile
		if err := json.Unmarshal(body, &file); err != nil || code != http.StatusCreated || file.Name != "заявлениеfdp.pdf" ||
			file.ContentType != "application/pdf" || file.Size != int64(len(pdf)) {
			t.Fatalf("upload = %d %s", code, body)
		}
		for _, c := range []struct {
			name, ctype string
			content     []byte
		}{
			{"photo.png", "image/png", []byte("<html><script>alert(1)</script></html>")},     // a page posing as a picture
			{"scan.pdf", "application/pdf", []byte("MZ\x90\x00\x03\x00\x00\x00 executable")}, // a program posing as a PDF
			{"scan.pdf", "text/html", pdf},                                  // declared type contradicts the content
			{"setup.exe", "application/octet-stream", []byte("MZ\x90\x00")}, // not a kind we keep
			{"page.html", "text/html", []byte("<html></html>")},
			{"..", "application/pdf", pdf}, // no name left: "file", no extension
			{"empty.pdf", "application/pdf", nil},
		} {
			code, _, body := f.raw(t, f.opA1, "POST", up+"?name="+url.QueryEscape(c.name), c.ctype, c.content)
			if code != http.StatusUnprocessableEntity {
				t.Errorf("upload %s as %s = %d %s", c.name, c.ctype, code, body)
			}
		}
		// Over the size limit: refused, and nothing is kept.
		big := io.MultiReader(bytes.NewReader(pdf), io.LimitReader(zeros{}, crm.MaxFileBytes))
		if _, err := f.s.AppealDetails.AttachToAppeal(f.ctx, f.opA1, a.ID, "big.pdf", "application/pdf", big); !isField(err, "file") {
			t.Errorf("a file over the limit = %v", err)
		}
		code, hdr, body := f.raw(t, f.opA1, "GET", "/api/v1/crm/appeals/"+a.ID+"/files/"+file.ID, "", nil)
		_, params, _ := mime.ParseMediaType(hdr.Get("Content-Disposition"))
		if code != http.StatusOK || !bytes.Equal(body, pdf) || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") ||
			params["filename"] != "заявлениеfdp.pdf" || hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Content-Type") != "application/pdf" {
			t.Errorf("download = %d %v", code, hdr)
		}

		// Comments: internal notes, 1–5000 characters.
		if code, body := f.call(t, f.opA1, "POST", "/api/v1/crm/appeal-comments/"+a.ID, `{"text":"  Позвонила в бухгалтерию  "}`); code != http.StatusCreated ||
			!strings.Contains(string(body), `"text":"Позвонила в бухгалтерию"`) {
			t.Errorf("comment = %d %s", code, body)
		}
		if code, _ := f.call(t, f.opA1, "POST", "/api/v1/crm/appeal-comments/"+a.ID, `{"text":"   "}`); code != http.StatusUnprocessableEntity {
			t.Errorf("empty comment = %d", code)
		}
		if code, body := f.call(t, f.opA1, "PATCH", "/api/v1/crm/appeals/"+a.ID, `{"status":"in_progress"}`); code != http.StatusOK {
			t.Fatalf("status = %d %s", code, body)
		}

		// The card's details: the note, the file and the history.
		code, body = f.call(t, f.opA1, "GET", "/api/v1/crm/appeals/"+a.ID+"/details", "")
		var det struct {
			Comments []crm.AppealComment `json:"comments"`
			Files    []crm.StoredFile    `json:"files"`
			History  []crm.AppealEvent   `json:"history"`
		}
		if err := json.Unmarshal(body, &det); err != nil || code != http.StatusOK || len(det.Comments) != 1 || len(det.Files) != 1 {
			t.Fatalf("details = %d %s", code, body)
		}
		var actions []string
		for _, e := range det.History {
			actions = append(actions, e.Action)
		}
		last := det.History[len(det.History)-1]
		if strings.Join(actions, ",") != "create,file,comment,update" || last.Changes["status"] != [2]any{"new", "in_progress"} ||
			det.History[1].Note != "заявлениеfdp.pdf" {
			t.Errorf("history = %s", body)
		}

		// Another organisation's operator reaches none of it.
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/crm/appeals/" + a.ID + "/details", ""},
			{"GET", "/api/v1/crm/appeals/" + a.ID + "/files/" + file.ID, ""},
			{"POST", "/api/v1/crm/appeal-comments/" + a.ID, `{"text":"x"}`},
		} {
			if code, body := f.call(t, f.opA2, c.method, c.path, c.body); code != http.StatusNotFound {
				t.Errorf("stranger %s %s = %d %s", c.method, c.path, code, body)
			}
		}
		if code, _, _ := f.raw(t, f.opA2, "POST", up+"?name=a.pdf", "application/pdf", pdf); code != http.StatusNotFound {
			t.Errorf("stranger's upload = %d", code)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// appealUploadPath is where a file of appeal id is posted.
func appealUploadPath(id string) string { return crm.UploadPrefix + "appeals/" + id }
