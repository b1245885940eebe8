package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/web/browsertest"
)

// importRows is the number of generated rows added to the corrected file,
// so that the import takes two batches and its progress bar moves.
const importRows = 2500

// TestImportWizardInChromium walks the secretary's import in real
// Chromium (web/browsertest/import.test.mjs): a ';' CSV in Windows-1251
// with a title line, its dry run's problems, the corrected file uploaded
// again, the import with its progress bar, and the undo of the batch.
func TestImportWizardInChromium(t *testing.T) {
	n := browsertest.Start(t)
	var out bytes.Buffer
	if err := demo.Fill(context.Background(), demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cp := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	head := "Реестр членов профсоюза на 01.12.2026;;;;;\r\n" +
		"Фамилия;Имя;Отчество;Дата рождения;Телефон;№ профбилета\r\n" +
		"Импортова;Ольга;Петровна;31.01.1980;89001112233;IMP-1\r\n" +
		"Импортов;Иван;;1981-02-28;+7 900 111-22-44;IMP-2\r\n"
	write("reestr.csv", cp(head+
		"Импортов;Пётр;;31 мая;;IMP-3\r\n"+
		"Импортова;Анна;;28/02/1990;12345;IMP-4\r\n"))
	var fixed strings.Builder
	fixed.WriteString(head + "Импортов;Пётр;;31.05.1985;;IMP-3\r\n" + "Импортова;Анна;;28/02/1990;89005556677;IMP-4\r\n")
	for i := range importRows {
		fmt.Fprintf(&fixed, "Загрузкин;Семён;;01.01.1970;8 950 %07d;GEN-%d\r\n", i, i)
	}
	write("reestr-ispr.csv", cp(fixed.String()))
	write("photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	koi8, _ := charmap.KOI8R.NewEncoder().Bytes([]byte("Фамилия;Имя\r\nИмпортова;Ольга\r\nИмпортов;Иван\r\n"))
	write("koi8.csv", koi8)
	browsertest.Run(t, browsertest.Script{Name: "import.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_IMPORT_DIR=" + dir, fmt.Sprintf("PROFHUB_IMPORT_ROWS=%d", importRows+4)}})
}
