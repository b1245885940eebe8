package mail_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/mail"
)

// TestLetterImagesInChromium opens a letter with remote images in the
// console (web/browsertest/mailletter.test.mjs) when PROFHUB_TEST_BROWSER=1.
func TestLetterImagesInChromium(t *testing.T) {
	if os.Getenv("PROFHUB_TEST_BROWSER") != "1" {
		t.Skip("set PROFHUB_TEST_BROWSER=1 (needs /usr/bin/chromium, node and web/browsertest/node_modules)")
	}
	dir, _ := filepath.Abs("../../web/browsertest")
	if _, err := os.Stat(filepath.Join(dir, "node_modules/playwright-core")); err != nil {
		t.Fatal("run `npm install` in web/browsertest first")
	}
	e := newEnv(t)
	e.channel(t)
	srv := mail.ImageServer(t)
	// The image server is on loopback, which the production proxy refuses.
	mail.TrustImageHosts(e.n.Mail, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	e.dc.appendLetter(t, "INBOX", htmlLetter("Профком завода <news@example.ru>", "browser@example.ru",
		`<h2>Собрание в пятницу</h2><p>Схема прохода:</p><img src="`+srv.URL+`/ok.png" alt="Схема профсоюза" width="120" height="120">`+
			`<p>Подробности — в приложении.</p><img src="`+srv.URL+`/page" alt="" width="1" height="1">`))
	e.waitInbound(t, 1)

	shots, _ := filepath.Abs("../../docs/screenshots")
	cmd := exec.Command("node", "mailletter.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROFHUB_BASE="+e.n.Server.URL, "PROFHUB_PASSWORD=password-1", "PROFHUB_SHOTS="+shots)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
		}
	}()
	out, err := cmd.CombinedOutput()
	close(done)
	if err != nil {
		t.Fatalf("browser test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
