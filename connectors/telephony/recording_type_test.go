package telephony_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

// A recording is stored, served and named as what it is, whatever type its
// server declared: a WAV labelled audio/mpeg plays and downloads as
// audio/wav "….wav", an MP3 labelled application/octet-stream as
// audio/mpeg "….mp3"; a recording stored before types were sniffed (with
// the old guess audio/mpeg) is served by its content too.
func TestRecordingNamedByContent(t *testing.T) {
	cases := []struct {
		name, label, ctype, ext string
		audio                   []byte
	}{
		{"wav", "audio/mpeg", "audio/wav", ".wav", pbxsim.ToneWAV(1)},
		{"mp3", "application/octet-stream", "audio/mpeg", ".mp3", pbxsim.SilentMP3(1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, "zadarma", nil)
			e.pbx.AddRecording("rec-"+c.name, c.audio)
			e.pbx.LabelRecording("rec-"+c.name, c.label)
			cl := call("typed-"+c.name, true)
			cl.Recording = "rec-" + c.name
			e.play(t, cl)
			id := str(e.waitRecording(t, "ready")["id"])
			var stored string
			if err := e.n.DB.QueryRowContext(context.Background(), `SELECT recording_type FROM tel_calls WHERE id = $1`, id).Scan(&stored); err != nil || stored != c.ctype {
				t.Fatalf("stored type %q %v, want %q", stored, err, c.ctype)
			}
			check := func(when string) {
				for _, q := range []string{"", "?download=1"} {
					req, _ := http.NewRequest("GET", e.n.Server.URL+"/api/v1/telephony/calls/"+id+"/recording"+q, nil)
					req.Header.Set("Authorization", "Bearer "+e.opTok)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || !bytes.Equal(body, c.audio) {
						t.Fatalf("%s %s: %d %q, %d bytes", when, q, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
					}
					disp := resp.Header.Get("Content-Disposition")
					if q != "" && (!strings.HasPrefix(disp, `attachment; filename="call-`) || !strings.HasSuffix(disp, c.ext+`"`)) {
						t.Fatalf("%s: Content-Disposition %q, want a %s file", when, disp, c.ext)
					}
				}
			}
			check("fetched")
			if _, err := e.n.DB.ExecContext(context.Background(), `UPDATE tel_calls SET recording_type = 'audio/mpeg' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			check("stored with the old guess")
		})
	}
}
