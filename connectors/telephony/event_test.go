package telephony

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestFoldIsOrderIndependent(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	evs := []Event{
		{Key: "1", Seq: 1, At: t0, Kind: EvStarted, Direction: DirIn, Number: "+79161234567", Line: "+74951112233"},
		{Key: "2", Seq: 2, At: t0.Add(time.Second), Kind: EvRinging, Extension: "101"},
		{Key: "3", Seq: 3, At: t0.Add(8 * time.Second), Kind: EvRinging, Extension: "102"},
		{Key: "4", Seq: 4, At: t0.Add(15 * time.Second), Kind: EvAnswered, Extension: "102"},
		{Key: "5", Seq: 5, At: t0.Add(40 * time.Second), Kind: EvTransferred, Extension: "105"},
		{Key: "6", Seq: 6, At: t0.Add(75 * time.Second), Kind: EvEnded, Result: ResAnswered},
		{Key: "7", Seq: 7, At: t0.Add(80 * time.Second), Kind: EvRecording, Recording: "r1"},
	}
	want := Fold(evs)
	if want.Extension != "105" || want.WaitS != 15 || want.TalkS != 60 || want.Result != ResAnswered || want.State != "ended" ||
		want.Recording != "r1" || !want.StartedAt.Equal(t0) {
		t.Fatalf("fold: %+v", want)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		shuf := append([]Event(nil), evs...)
		rnd.Shuffle(len(shuf), func(i, j int) { shuf[i], shuf[j] = shuf[j], shuf[i] })
		if got := Fold(shuf); got != want {
			t.Fatalf("order %v: %+v, want %+v", shuf, got, want)
		}
	}
}

func TestFoldResults(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		evs  []Event
		want Call
	}{
		{"ringing only", []Event{{At: t0, Kind: EvRinging, Extension: "101", Direction: DirIn}},
			Call{Direction: DirIn, State: "ringing", Extension: "101", StartedAt: t0}},
		{"missed without a verdict", []Event{{At: t0, Kind: EvStarted, Direction: DirIn}, {At: t0.Add(20 * time.Second), Kind: EvEnded}},
			Call{Direction: DirIn, State: "ended", StartedAt: t0, EndedAt: t0.Add(20 * time.Second), WaitS: 20, Result: ResMissed}},
		{"summary only (answer from talk time)", []Event{{At: t0.Add(90 * time.Second), Kind: EvEnded, StartedAt: t0, Result: ResAnswered,
			Duration: 60, Direction: DirIn}},
			Call{Direction: DirIn, State: "ended", StartedAt: t0, AnsweredAt: t0.Add(30 * time.Second), EndedAt: t0.Add(90 * time.Second),
				WaitS: 30, TalkS: 60, Result: ResAnswered}},
		{"busy keeps no talk", []Event{{At: t0, Kind: EvStarted, Direction: DirOut}, {At: t0.Add(5 * time.Second), Kind: EvEnded, Result: ResBusy, Duration: 3}},
			Call{Direction: DirOut, State: "ended", StartedAt: t0, EndedAt: t0.Add(5 * time.Second), WaitS: 5, Result: ResBusy}},
	}
	for _, c := range cases {
		if got := Fold(c.evs); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestNormalNumber(t *testing.T) {
	for in, want := range map[string]string{"79161234567": "+79161234567", "89161234567": "+79161234567", "+7 916 123-45-67": "+79161234567",
		"101": "101", "": "", "anonymous": "anonymous", "4915112345678": "+4915112345678"} {
		if got := normalNumber(in); got != want {
			t.Errorf("normalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlockedAddr(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "10.0.0.5", "172.16.1.1", "192.168.0.1", "169.254.169.254", "::1", "fe80::1", "fc00::1",
		"100.64.0.1", "0.0.0.0", "::ffff:127.0.0.1", "224.0.0.1"} {
		if !blockedAddr(mustAddr(t, s)) {
			t.Errorf("%s not blocked", s)
		}
	}
	for _, s := range []string{"81.88.1.1", "2a00:1450::1"} {
		if blockedAddr(mustAddr(t, s)) {
			t.Errorf("%s blocked", s)
		}
	}
}
