package telegram

import (
	"context"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"short", "привет", 10, []string{"привет"}},
		{"exact", "abcde", 5, []string{"abcde"}},
		{"empty", "", 5, nil},
		{"paragraphs", "aaaa bbbb\n\ncccc dddd", 15, []string{"aaaa bbbb", "cccc dddd"}},
		{"lines", "aaaa\nbbbb\ncccc", 10, []string{"aaaa\nbbbb", "cccc"}},
		{"words", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"no separators", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		// An emoji is two UTF-16 units, as Telegram counts.
		{"emoji", "😀😀😀", 4, []string{"😀😀", "😀"}},
		// A break late in the window is preferred to an earlier, better one…
		{"late break", "aaaaaaaaaaaa\n\nbbbbbb cc", 20, []string{"aaaaaaaaaaaa", "bbbbbb cc"}},
		{"late space", "aa\n\nbbbbbbbbbbbbbb cc", 20, []string{"aa\n\nbbbbbbbbbbbbbb", "cc"}},
		// … but any break is preferred to cutting a word.
		{"early break", "a\n\nbbbbbbbbbbbbbbbbbb cc", 20, []string{"a", "bbbbbbbbbbbbbbbbbb", "cc"}},
	}
	for _, tc := range tests {
		got := splitText(tc.text, tc.limit)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		for _, p := range got {
			if n := len(utf16.Encode([]rune(p))); n > tc.limit {
				t.Errorf("%s: part of %d units over %d", tc.name, n, tc.limit)
			}
		}
	}
}

func TestConvert(t *testing.T) {
	from := &models.User{ID: 42, FirstName: "Иван", LastName: "Петров"}
	chat := models.Chat{ID: 42, Type: "private"}
	tests := []struct {
		name      string
		msg       models.Message
		edited    bool
		id, text  string
		wantPhone string
	}{
		{"text", models.Message{ID: 5, From: from, Chat: chat, Text: "вопрос"}, false, "msg:42:5", "вопрос", ""},
		{"edited", models.Message{ID: 5, From: from, Chat: chat, Text: "вопрос!", EditDate: 1700000000}, true,
			"edit:42:5:1700000000", "(edited)\nвопрос!", ""},
		{"reply quotes", models.Message{ID: 6, From: from, Chat: chat, Text: "да", ReplyToMessage: &models.Message{Text: "Вы член профсоюза?\nУточните"}},
			false, "msg:42:6", "> Вы член профсоюза?\n> Уточните\nда", ""},
		{"own contact", models.Message{ID: 7, From: from, Chat: chat, Contact: &models.Contact{PhoneNumber: "+79001234567", FirstName: "Иван", UserID: 42}},
			false, "msg:42:7", "Contact: Иван , +79001234567", "+79001234567"},
		{"someone else's contact", models.Message{ID: 8, From: from, Chat: chat, Contact: &models.Contact{PhoneNumber: "+79990000000", FirstName: "Анна", UserID: 99}},
			false, "msg:42:8", "Contact: Анна , +79990000000", ""},
		{"location", models.Message{ID: 9, From: from, Chat: chat, Location: &models.Location{Latitude: 55.75, Longitude: 37.62}},
			false, "msg:42:9", "Location: 55.750000, 37.620000 https://www.openstreetmap.org/?mlat=55.750000&mlon=37.620000", ""},
	}
	for _, tc := range tests {
		in := convert("ch", &tc.msg, tc.edited)
		if in.ExternalMessageID != tc.id || in.Text != tc.text || in.From.Phone != tc.wantPhone {
			t.Errorf("%s: id %q text %q phone %q", tc.name, in.ExternalMessageID, in.Text, in.From.Phone)
		}
		if in.From.Namespace != "telegram" || in.From.ExternalID != "42" || in.From.Name != "Иван Петров" || in.ExternalChatID != "42" {
			t.Errorf("%s: from %+v chat %q", tc.name, in.From, in.ExternalChatID)
		}
	}
}

func TestSendRefusesFilesOverTelegramLimit(t *testing.T) {
	s := newSender(&Connector{})
	ch := inbox.Channel{ID: "c", Secrets: map[string]string{secretToken: "1:x"}}
	_, err := s.Send(context.Background(), ch, inbox.OutboundMessage{ID: "m", ExternalChatID: "42",
		Attachments: []inbox.Attachment{{BlobKey: "k", Name: "видео.mp4", Size: 60 << 20}}})
	se, ok := err.(*inbox.SendError)
	if !ok || !se.Permanent || !strings.Contains(se.Reason, "50 MB") || !strings.Contains(se.Reason, "видео.mp4") {
		t.Fatalf("err = %v", err)
	}
}
