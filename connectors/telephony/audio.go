package telephony

import (
	"bytes"
	"io"
	"mime"
	"strings"
)

// Recordings come as WAV, MP3 and the rest, and the provider's
// Content-Type is often wrong (application/octet-stream, or audio/mpeg
// for a WAV file). A recording is served and named by what its first
// bytes are; the header counts only when they say nothing.

// sniffLen is how much of a recording sniffAudio looks at.
const sniffLen = 512

// sniffAudio names the audio format of a file from its first bytes, or
// returns "" when it does not recognise them.
func sniffAudio(head []byte) string {
	has := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "RIFF") && has(8, "WAVE"):
		return "audio/wav"
	case has(0, "ID3"):
		return "audio/mpeg"
	case has(0, "OggS"):
		return "audio/ogg"
	case has(0, "fLaC"):
		return "audio/flac"
	case has(0, "#!AMR"):
		return "audio/amr"
	case has(4, "ftyp"):
		return "audio/mp4"
	case has(0, "FORM") && (has(8, "AIFF") || has(8, "AIFC")):
		return "audio/aiff"
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0:
		// An MPEG audio frame header; layer bits 00 are AAC in ADTS.
		if head[1]&0x06 == 0 {
			return "audio/aac"
		}
		return "audio/mpeg"
	}
	return ""
}

// recordingType is the type a recording is served with: what its content
// is, else an audio type its server declared, else plain bytes.
func recordingType(head []byte, declared string) string {
	if t := sniffAudio(head); t != "" {
		return t
	}
	if t, _, err := mime.ParseMediaType(declared); err == nil && strings.HasPrefix(t, "audio/") {
		return t
	}
	return "application/octet-stream"
}

// audioExt is the file name extension of a recording's type.
func audioExt(ctype string) string {
	switch ctype {
	case "audio/wav", "audio/wave", "audio/x-wav":
		return ".wav"
	case "audio/mpeg", "audio/mp3":
		return ".mp3"
	case "audio/ogg":
		return ".ogg"
	case "audio/flac":
		return ".flac"
	case "audio/amr":
		return ".amr"
	case "audio/mp4", "audio/x-m4a":
		return ".m4a"
	case "audio/aac":
		return ".aac"
	case "audio/aiff":
		return ".aiff"
	}
	return ".bin"
}

// peekHead reads the first bytes of a stored recording and rewinds it.
func peekHead(f io.ReadSeeker) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, f, sniffLen); err != nil && err != io.EOF {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
