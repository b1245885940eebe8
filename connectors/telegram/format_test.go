package telegram_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// The operator's markup goes out as entities with UTF-16 offsets; HTML
// typed by the operator goes out literally, never as markup.
func TestReplyFormattingBecomesEntities(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777020, 1, "вопрос")))
	conv := e.inbound(t, ch)[0].ConversationID
	r := e.reply(t, conv, "😀 **Важно**: <b>не</b> & [устав](https://profhub.example/ustav?a=1&b=2)")
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 10*time.Second)
	sent := e.tg.SentCalls()
	if len(sent) != 1 {
		t.Fatalf("sent %+v", sent)
	}
	if want := "😀 Важно: <b>не</b> & устав"; sent[0].Text != want {
		t.Fatalf("text %q, want %q", sent[0].Text, want)
	}
	got, _ := json.Marshal(sent[0].Entities)
	// The emoji is two UTF-16 units and the space one, so "Важно" starts at 3.
	want := `[{"length":5,"offset":3,"type":"bold"},{"length":5,"offset":22,"type":"text_link","url":"https://profhub.example/ustav?a=1\u0026b=2"}]`
	if string(got) != want {
		t.Fatalf("entities %s\nwant     %s", got, want)
	}
}

// Voice recordings go as voice messages and tracks as audio, so the
// member's app plays them.
func TestVoiceAndAudioReplies(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777021, 1, "пришлите запись")))
	conv := e.inbound(t, ch)[0].ConversationID
	ogg := append([]byte("OggS\x00\x02"), bytes.Repeat([]byte{7}, 200)...)
	mp3 := append([]byte("ID3\x03\x00\x00\x00"), bytes.Repeat([]byte{9}, 200)...)
	voice, track := e.upload(t, conv, "голос.ogg", ogg), e.upload(t, conv, "гимн.mp3", mp3)
	code, body := e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages",
		inbox.ReplyInput{Attachments: []inbox.Attachment{{BlobKey: voice.BlobKey}, {BlobKey: track.BlobKey}}})
	if code != http.StatusCreated {
		t.Fatalf("reply: %d %s", code, body)
	}
	var r inbox.Message
	_ = json.Unmarshal(body, &r)
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 15*time.Second)
	sent := e.tg.SentCalls()
	if len(sent) != 2 || sent[0].Method != "sendVoice" || sent[1].Method != "sendAudio" {
		t.Fatalf("sent %+v", sent)
	}
	if !bytes.Equal(sent[0].File, ogg) || !bytes.Equal(sent[1].File, mp3) || sent[1].FileName != "гимн.mp3" {
		t.Fatalf("files: %q %q", sent[0].FileName, sent[1].FileName)
	}
}
