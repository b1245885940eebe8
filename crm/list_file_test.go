package crm_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// TestListFileField: a "file" field of a universal list takes an upload,
// the record names it, it downloads as an attachment and the export
// writes its name; nobody else can take the file into their record or
// download it from another organisation.
func TestListFileField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.withBlobs(t)
		admin := f.sys
		admin.UserID = "admin"
		l, err := f.s.Lists.CreateList(f.ctx, admin, crm.ListInput{Name: "Заявления на помощь", Fields: []crm.ListField{
			{Key: "who", Title: "Кто", Type: crm.FieldText, Required: true},
			{Key: "scan", Title: "Скан заявления", Type: crm.FieldFile},
		}})
		if err != nil {
			t.Fatal(err)
		}
		upload := func(field, name, ctype string, content []byte) (int, crm.StoredFile, string) {
			code, _, body := f.raw(t, f.opA1, "POST", crm.UploadPrefix+"lists/"+l.ID+"/"+field+"?name="+url.QueryEscape(name), ctype, content)
			var sf crm.StoredFile
			_ = json.Unmarshal(body, &sf)
			return code, sf, string(body)
		}
		if code, _, body := upload("who", "a.pdf", "application/pdf", pdf); code != http.StatusUnprocessableEntity {
			t.Errorf("upload to a text field = %d %s", code, body)
		}
		if code, _, body := upload("scan", "a.pdf", "image/png", pdf); code != http.StatusUnprocessableEntity {
			t.Errorf("upload with a false type = %d %s", code, body)
		}
		code, file, body := upload("scan", `C:\Users\x\Скан "1".pdf`, "application/pdf", pdf)
		if code != http.StatusCreated || file.Name != "Скан _1_.pdf" {
			t.Fatalf("upload = %d %s", code, body)
		}
		// Another operator cannot take the file into a record of theirs.
		if _, err := f.s.Lists.AddRecord(f.ctx, f.opA2, l.ID, "", map[string]any{"who": "x", "scan": file.ID}); !isField(err, "scan") {
			t.Errorf("someone else's upload taken = %v", err)
		}
		rec, err := f.s.Lists.AddRecord(f.ctx, f.opA1, l.ID, "", map[string]any{"who": "Иванова", "scan": file.ID})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := rec.Values["scan"].(map[string]any)
		if v["id"] != file.ID || v["name"] != "Скан _1_.pdf" {
			t.Fatalf("record's file = %+v", rec.Values)
		}
		// Saving the record as read keeps the file; a second record cannot
		// take a file another record holds.
		js, _ := json.Marshal(map[string]any{"values": rec.Values})
		if code, body := f.call(t, f.opA1, "PATCH", "/api/v1/crm/lists/"+l.ID+"/records/"+rec.ID, string(js)); code != http.StatusOK ||
			!strings.Contains(string(body), file.ID) {
			t.Errorf("record saved as read = %d %s", code, body)
		}
		if _, err := f.s.Lists.AddRecord(f.ctx, f.opA1, l.ID, "", map[string]any{"who": "x", "scan": file.ID}); !isField(err, "scan") {
			t.Errorf("a file held by a record taken again = %v", err)
		}

		dl := "/api/v1/crm/lists/" + l.ID + "/records/" + rec.ID + "/files/scan"
		code, hdr, got := f.raw(t, f.opA1, "GET", dl, "", nil)
		if code != http.StatusOK || !bytes.Equal(got, pdf) || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment;") ||
			hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download = %d %v", code, hdr)
		}
		for _, c := range []struct {
			path string
			sc   string
		}{{dl, "opA2"}, {"/api/v1/crm/lists/" + l.ID + "/records/" + rec.ID + "/files/who", "opA1"}} {
			sc := f.opA1
			if c.sc == "opA2" {
				sc = f.opA2
			}
			if code, _, _ := f.raw(t, sc, "GET", c.path, "", nil); code != http.StatusNotFound {
				t.Errorf("%s GET %s = %d", c.sc, c.path, code)
			}
		}

		code, out := f.call(t, f.opA1, "GET", "/api/v1/crm/lists/"+l.ID+"/export", "")
		if code != http.StatusOK {
			t.Fatalf("export = %d %s", code, out)
		}
		x, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 2 || rows[1][1] != "Скан _1_.pdf" {
			t.Errorf("exported rows = %q", rows)
		}

		// Files no record names are purged: one replaced in the record, one
		// uploaded a day ago and never saved; a fresh upload waits.
		_, second, _ := upload("scan", "second.pdf", "application/pdf", pdf)
		_, stale, _ := upload("scan", "stale.pdf", "application/pdf", pdf)
		_, fresh, _ := upload("scan", "fresh.pdf", "application/pdf", pdf)
		if _, err := f.s.Lists.UpdateRecord(f.ctx, f.opA1, l.ID, rec.ID, "", map[string]any{"who": "Иванова", "scan": second.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(f.ctx, `UPDATE crm_list_files SET uploaded_at = $1 WHERE id = $2`,
			time.Now().Add(-crm.UnclaimedFileAge-time.Minute).UnixMilli(), stale.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.ListFiles.PurgeListFiles(f.ctx); err != nil || n != 2 {
			t.Errorf("purged %d, %v; want the replaced and the stale file", n, err)
		}
		var left []string
		r, _ := d.QueryContext(f.ctx, `SELECT id FROM crm_list_files ORDER BY id`)
		for r.Next() {
			var id string
			_ = r.Scan(&id)
			left = append(left, id)
		}
		r.Close()
		if strings.Join(left, ",") != second.ID+","+fresh.ID {
			t.Errorf("files left %v, want %s and %s", left, second.ID, fresh.ID)
		}
		if code, _, got := f.raw(t, f.opA1, "GET", dl, "", nil); code != http.StatusOK || !bytes.Equal(got, pdf) {
			t.Errorf("the record's new file = %d", code)
		}
	})
}
