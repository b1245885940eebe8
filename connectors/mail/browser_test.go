package mail_test

import (
	"net/http"
	"testing"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/web/browsertest"
)

// TestLetterImagesInChromium opens a letter with remote images in the
// console (web/browsertest/mailletter.test.mjs) when PROFHUB_TEST_BROWSER=1.
func TestLetterImagesInChromium(t *testing.T) {
	browsertest.Require(t)
	e := newEnv(t)
	e.channel(t)
	srv := mail.ImageServer(t)
	// The image server is on loopback, which the production proxy refuses.
	mail.TrustImageHosts(e.n.Mail, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	e.dc.appendLetter(t, "INBOX", htmlLetter("Профком завода <news@example.ru>", "browser@example.ru",
		`<h2>Собрание в пятницу</h2><p>Схема прохода:</p><img src="`+srv.URL+`/ok.png" alt="Схема профсоюза" width="120" height="120">`+
			`<p>Подробности — в приложении.</p><img src="`+srv.URL+`/page" alt="" width="1" height="1">`))
	e.waitInbound(t, 1)

	browsertest.Run(t, browsertest.Script{Name: "mailletter.test.mjs", Base: e.n.Server.URL, Env: []string{"PROFHUB_PASSWORD=password-1"}})
}
