package telephony_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// A member's calls answer 404 to staff of another organisation, as every
// other cross-scope request does (an empty list would confirm that the
// member exists); staff who see the member get their calls; an unknown id
// is 404 too.
func TestMemberCallsAcrossScope(t *testing.T) {
	e := newEnv(t, "generic", nil)
	e.play(t, call("m1", true))
	ctx := context.Background()
	other := e.n.AddUnit(t, e.n.Root.ID, org.Committee, "Другой обком")
	token := func(login string, role access.Role, unit string) string {
		u := e.n.AddUser(t, login, role, unit, "password-2")
		tok, _, err := e.n.Auth.CreateToken(ctx, e.n.System, u.ID, "t", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	cases := []struct {
		name, token, member string
		want                int
	}{
		{"operator of the member's organisation", e.opTok, e.member.ID, http.StatusOK},
		{"operator of another organisation", token("stranger", access.Operator, other.ID), e.member.ID, http.StatusNotFound},
		{"chairman of another organisation", token("chair2", access.Chairman, other.ID), e.member.ID, http.StatusNotFound},
		{"unknown member", e.opTok, "no-such-member", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.n.Server.URL+"/api/v1/telephony/members/"+c.member+"/calls", nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("%d, want %d", resp.StatusCode, c.want)
			}
		})
	}
	code, body := e.api(t, "GET", "/api/v1/telephony/members/"+e.member.ID+"/calls", nil)
	if code != 200 || !strings.Contains(string(body), `"talk_s":95`) {
		t.Fatalf("own member's calls: %d %s", code, body)
	}
}
