package telephony_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

// genericSection is docs/CHANNELS.md's section on the generic format.
func genericSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/CHANNELS.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "### The generic format")
	if i < 0 {
		t.Fatal("docs/CHANNELS.md has no generic format section")
	}
	doc = doc[i+3:]
	if j := strings.Index(doc, "\n### "); j >= 0 {
		doc = doc[:j]
	}
	return doc
}

// fenced returns the first code block of the given language in s.
func fenced(t *testing.T, s, lang string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no ```%s block in the generic format's documentation", lang)
	}
	return m[1]
}

// The documentation's example is posted verbatim and becomes the record
// the documentation promises: one answered incoming call from the member,
// credited to 102 after the transfer, 12 s of waiting and 95 s of talk.
func TestGenericDocExample(t *testing.T) {
	body := []byte(fenced(t, genericSection(t), "json"))
	e := newEnv(t, "generic", nil)
	if code, err := pbxsim.Post(e.hook, e.pbx.GenericNotification(nil, time.Now()).WithBody(e.pbx, body)); err != nil || code != 200 {
		t.Fatalf("documented example: %d %v", code, err)
	}
	e.checkDocCall(t)
}

func (e *env) checkDocCall(t *testing.T) {
	t.Helper()
	c := e.oneCall(t)
	want := map[string]any{"direction": "in", "state": "ended", "number": memberPhone, "line_number": "+74951112233", "extension": "102",
		"operator_id": e.op2, "member_id": e.member.ID, "wait_s": 12.0, "talk_s": 95.0, "result": "answered",
		"started_at": "2026-11-02T07:15:00Z", "answered_at": "2026-11-02T07:15:12Z", "ended_at": "2026-11-02T07:16:47Z"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
}

// The shell lines of the documentation sign and post the example as they
// stand, with openssl and curl.
func TestGenericDocShell(t *testing.T) {
	for _, tool := range []string{"bash", "openssl", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s here", tool)
		}
	}
	sec := genericSection(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "call.json"), []byte(fenced(t, sec, "json")), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "generic", nil)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", fenced(t, sec, "sh"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOOK="+e.hook, "WEBHOOK_SECRET="+e.pbx.Secret)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"ok":true`) {
		t.Fatalf("documented shell lines: %v\n%s", err, out)
	}
	e.checkDocCall(t)
}

// The documented field table names exactly the fields the hook reads.
func TestGenericDocFields(t *testing.T) {
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(genericSection(t), -1) {
		documented = append(documented, m[1])
	}
	var accepted []string
	ty := reflect.TypeFor[telephony.GenericEvent]()
	for i := range ty.NumField() {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
		accepted = append(accepted, name)
	}
	slices.Sort(documented)
	slices.Sort(accepted)
	if !slices.Equal(documented, accepted) {
		t.Fatalf("documented fields %v, accepted %v", documented, accepted)
	}
}
