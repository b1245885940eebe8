package telephony

import (
	"testing"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

func TestRecordingType(t *testing.T) {
	cases := []struct {
		name     string
		head     []byte
		declared string
		want     string
		ext      string
	}{
		{"wav labelled mp3", pbxsim.ToneWAV(0.1), "audio/mpeg", "audio/wav", ".wav"},
		{"wav unlabelled", pbxsim.ToneWAV(0.1), "application/octet-stream", "audio/wav", ".wav"},
		{"mp3 frames, no tag", pbxsim.SilentMP3(0.5), "application/octet-stream", "audio/mpeg", ".mp3"},
		{"mp3 labelled wav", pbxsim.SilentMP3(0.5), "audio/wav", "audio/mpeg", ".mp3"},
		{"mp3 with ID3", append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), pbxsim.SilentMP3(0.1)...), "", "audio/mpeg", ".mp3"},
		{"ogg", []byte("OggS\x00\x02\x00\x00"), "", "audio/ogg", ".ogg"},
		{"aac adts", []byte{0xFF, 0xF1, 0x50, 0x80}, "", "audio/aac", ".aac"},
		{"m4a", []byte("\x00\x00\x00\x20ftypM4A "), "", "audio/mp4", ".m4a"},
		{"unknown bytes, audio header", []byte("????"), "audio/x-gsm; rate=8000", "audio/x-gsm", ".bin"},
		{"unknown bytes, no audio header", []byte("<html>"), "text/html", "application/octet-stream", ".bin"},
		{"empty", nil, "", "application/octet-stream", ".bin"},
	}
	for _, c := range cases {
		got := recordingType(c.head, c.declared)
		if got != c.want || audioExt(got) != c.ext {
			t.Errorf("%s: %q %q, want %q %q", c.name, got, audioExt(got), c.want, c.ext)
		}
	}
}
