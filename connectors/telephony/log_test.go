package telephony_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// The call log exports to XLSX with the list's filters; text a caller or
// PBX chose cannot run as a formula; the export is audited.
func TestExportXLSX(t *testing.T) {
	e := newEnv(t, "generic", nil)
	e.play(t, call("a1", true))
	hostile := map[string]any{"id": "h1", "call_id": "h", "type": "ended", "at": time.Now().Add(-time.Minute).Format(time.RFC3339),
		"direction": "in", "number": "=cmd|' /C calc'!A0", "extension": "@SUM(1+1)", "result": "missed"}
	if code, _ := pbxsim.Post(e.hook, e.pbx.GenericNotification(hostile, time.Now())); code != 200 {
		t.Fatal(code)
	}
	code, body := e.api(t, "GET", "/api/v1/telephony/calls/export.xlsx?direction=in", nil)
	if code != 200 {
		t.Fatalf("export: %d %s", code, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Звонки")
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows: %v %v", err, rows)
	}
	if rows[0][2] != "Номер" {
		t.Fatalf("header %v", rows[0])
	}
	var sawMember bool
	for _, r := range rows[1:] {
		for _, cell := range r {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "@") {
				t.Fatalf("formula cell %q in %v", cell, r)
			}
		}
		if r[3] == "Смирнова Ольга Ивановна" && r[7] == "отвечен" && r[9] == "95" {
			sawMember = true
		}
	}
	if !sawMember {
		t.Fatalf("member's call missing: %v", rows)
	}
	var n int
	_ = e.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'telephony.export'`).Scan(&n)
	if n != 1 {
		t.Fatalf("export audited %d times", n)
	}
}

// Calls are seen within the line's unit only.
func TestCallsScoped(t *testing.T) {
	e := newEnv(t, "generic", nil)
	e.play(t, call("s1", true))
	other := e.n.AddUnit(t, e.n.Root.ID, org.Committee, "Другой обком")
	u := e.n.AddUser(t, "stranger", access.Operator, other.ID, "password-2")
	tok, _, err := e.n.Auth.CreateToken(context.Background(), e.n.System, u.ID, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.n.Server.URL+"/api/v1/telephony/calls", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(buf.String(), "s1") || !strings.Contains(buf.String(), `"calls":[]`) {
		t.Fatalf("stranger sees: %d %s", resp.StatusCode, buf.String())
	}
	id := str(e.oneCall(t)["id"])
	req, _ = http.NewRequest("GET", e.n.Server.URL+"/api/v1/telephony/calls/"+id+"/recording", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("stranger's recording: %d", resp.StatusCode)
	}
}

// Recordings older than the channel's retention are deleted, and each
// deletion is audited.
func TestRecordingRetention(t *testing.T) {
	e := newEnv(t, "generic", map[string]string{"retention_days": "30"})
	ctx := context.Background()
	e.pbx.AddRecording("old", pbxsim.ToneWAV(1))
	c := call("old", true)
	c.Recording = "old"
	e.play(t, c)
	e.waitRecording(t, "ready")
	code, body := e.api(t, "GET", "/api/v1/telephony/calls/"+str(e.oneCall(t)["id"])+"/recording?download=1", nil)
	var downloads int
	_ = e.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'telephony.recording_download'`).Scan(&downloads)
	if code != 200 || len(body) < 1000 || downloads != 1 {
		t.Fatalf("download: %d, %d bytes, audited %d times", code, len(body), downloads)
	}
	if n, err := e.n.Telephony.PurgeRecordings(ctx, time.Now().Add(29*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge before the time: %d %v", n, err)
	}
	if n, err := e.n.Telephony.PurgeRecordings(ctx, time.Now().Add(31*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if r := e.oneCall(t); r["recording"] != "deleted" {
		t.Fatalf("after purge: %v", r)
	}
	var n int
	_ = e.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'telephony.recording_delete'`).Scan(&n)
	if n != 1 {
		t.Fatalf("deletion audited %d times", n)
	}
	code, _ = e.api(t, "GET", "/api/v1/telephony/calls/"+str(e.oneCall(t)["id"])+"/recording?download=1", nil)
	if code != http.StatusNotFound {
		t.Fatalf("deleted recording served: %d", code)
	}
}

// Channel settings are checked when the channel is made.
func TestChannelSettingsChecked(t *testing.T) {
	e := newEnv(t, "generic", nil)
	ctx := context.Background()
	bad := []map[string]string{
		{"provider": "asterisk-ami"},
		{"provider": "mango"}, // no key and salt
		{"provider": "generic", "extensions": "101"},
		{"provider": "generic", "extensions": "101=nobody"},
		{"provider": "generic", "api_url": "ftp://x"},
		{"provider": "generic", "retention_days": "-1"},
	}
	for _, s := range bad {
		if _, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, newChannel(e, s)); err == nil {
			t.Errorf("settings %v accepted", s)
		}
	}
}
