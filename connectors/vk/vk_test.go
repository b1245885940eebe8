package vk

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
)

func TestRandomIDStable(t *testing.T) {
	id := "01a21c55-3b62-796f-a7c5-8154848b4de4"
	a, b := randomID(id, 0), randomID(id, 0)
	if a != b || a <= 0 || a > 1<<31-1 {
		t.Fatalf("randomID %d, %d", a, b)
	}
	if randomID(id, 1) == a || randomID(id+"x", 0) == a {
		t.Fatal("parts and other messages must differ")
	}
}

func TestSplitText(t *testing.T) {
	long := strings.Repeat("слово ", 1500) // 9000 runes
	for _, tc := range []struct {
		text  string
		parts int
	}{{"", 1}, {"коротко", 1}, {strings.Repeat("я", maxTextRunes), 1}, {long, 3}, {strings.Repeat("ы", 9000), 3}} {
		parts := splitText(tc.text, maxTextRunes)
		if len(parts) != tc.parts || strings.Join(parts, "") != tc.text {
			t.Errorf("%d runes: %d parts", utf8.RuneCountInString(tc.text), len(parts))
		}
		for _, p := range parts {
			if utf8.RuneCountInString(p) > maxTextRunes || !utf8.ValidString(p) {
				t.Errorf("bad part of %d runes", utf8.RuneCountInString(p))
			}
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		code      int
		permanent bool
		wait      time.Duration
		reason    string
		rate      bool // a rate answer: waits without using up an attempt
	}{
		{6, false, time.Second, "error 6", true},
		{9, false, 30 * time.Second, "error 9", true},
		{29, false, time.Minute, "error 29", true},
		{10, false, 0, "error 10", false},
		{901, true, 0, "has not allowed messages from the community", false},
		{7, true, 0, "has not allowed messages from the community", false},
		{15, true, 0, "has not allowed messages from the community", false},
		{900, true, 0, "blocked the community", false},
		{5, true, 0, "token was refused", false},
		{100, true, 0, "error 100", false},
	} {
		err := classify(&api.Error{Code: api.ErrorType(tc.code), Message: "msg"})
		var se *inbox.SendError
		if !errors.As(err, &se) || se.Permanent != tc.permanent || se.RetryAfter != tc.wait || !strings.Contains(se.Reason, tc.reason) ||
			se.RateLimited != tc.rate {
			t.Errorf("code %d: %#v", tc.code, err)
		}
	}
	var se *inbox.SendError
	if err := classify(errors.New("connection reset")); errors.As(err, &se) {
		t.Error("a network error must be a plain (temporary) error")
	}
}

func TestAllowedURL(t *testing.T) {
	vk := inbox.Channel{Settings: map[string]string{}}
	proxied := inbox.Channel{Settings: map[string]string{"api_url": "http://127.0.0.1:8081/method/"}}
	for _, tc := range []struct {
		ch   inbox.Channel
		url  string
		want bool
	}{
		{vk, "https://sun9-12.userapi.com/impg/abc.jpg?size=1280x960", true},
		{vk, "https://vk.com/doc123_456?hash=x", true},
		{vk, "https://psv4.vkuseraudio.net/s/v1/amsg/x.mp3", true},
		{vk, "http://sun9-12.userapi.com/a.jpg", false},
		{vk, "https://userapi.com.evil.example/a.jpg", false},
		{vk, "https://evilvk.com/a.jpg", false},
		{vk, "https://user@vk.com/a.jpg", false},
		{vk, "file:///etc/passwd", false},
		{vk, "http://127.0.0.1:8081/files/a.jpg", false},
		{proxied, "http://127.0.0.1:8081/files/a.jpg", true},
		{proxied, "http://127.0.0.1:6379/", false},
	} {
		if got := allowedURL(tc.ch, tc.url); got != tc.want {
			t.Errorf("%s: %v", tc.url, got)
		}
	}
}
