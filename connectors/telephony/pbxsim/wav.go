package pbxsim

import (
	"bytes"
	"encoding/binary"
	"math"
)

// ToneWAV makes a playable recording: 8 kHz mono 16-bit PCM, as telephony
// recordings are, with a tone that rises and falls like a voice, so a
// browser's audio player has real audio to decode and seek in.
func ToneWAV(seconds float64) []byte {
	const rate = 8000
	n := int(seconds * rate)
	var pcm bytes.Buffer
	for i := 0; i < n; i++ {
		t := float64(i) / rate
		f := 220 + 80*math.Sin(2*math.Pi*0.7*t)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*2.3*t)
		v := int16(9000 * env * math.Sin(2*math.Pi*f*t))
		_ = binary.Write(&pcm, binary.LittleEndian, v)
	}
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + pcm.Len()))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1)) // PCM
	w(uint16(1)) // mono
	w(uint32(rate))
	w(uint32(rate * 2))
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(uint32(pcm.Len()))
	b.Write(pcm.Bytes())
	return b.Bytes()
}

// SilentMP3 makes an MP3 recording of silence: MPEG-1 Layer III frames
// (128 kbit/s, 44.1 kHz, mono) with no ID3 tag in front, so only the frame
// header tells what it is, as with many PBX recordings.
func SilentMP3(seconds float64) []byte {
	const frameLen = 144 * 128000 / 44100 // 417 bytes, no padding
	frames := int(seconds * 44100 / 1152)
	var b bytes.Buffer
	for i := 0; i < frames; i++ {
		frame := make([]byte, frameLen)
		copy(frame, []byte{0xFF, 0xFB, 0x90, 0xC4}) // sync, MPEG-1 Layer III, 128k, 44.1k, mono; side info all zero: silence
		b.Write(frame)
	}
	return b.Bytes()
}
