package notify

import "testing"

func TestLinkCodeShapeAndPressData(t *testing.T) {
	for _, c := range []struct {
		text string
		code bool
	}{
		{"KWXPZRXX", true}, {"kwxpzrxx", true}, {"ABCD2345", true},
		{"ABCD1234", false}, // 1 is not in the alphabet (read as I or l)
		{"ABCDEFG", false}, {"ABCDEFGHJ", false}, {"ПРИВЕТИК", false}, {"", false}, {"ABCD 234", false},
	} {
		if got := looksLikeCode(c.text); got != c.code {
			t.Errorf("looksLikeCode(%q) = %v", c.text, got)
		}
	}
	if hashCode("kwxpzrxx ") != hashCode("KWXPZRXX") {
		t.Error("a code typed in lower case does not match")
	}
	data := pressData("0193a1b2-0000-7000-8000-000000000001", "approve")
	if len(data) > 64 {
		t.Errorf("callback data %q is longer than Telegram's 64 bytes", data)
	}
	for _, c := range []struct {
		data, item, action string
		ok                 bool
	}{
		{data, "0193a1b2-0000-7000-8000-000000000001", "approve", true},
		{"n:abc:take", "abc", "take", true},
		{"x:abc:take", "", "", false},
		{"n:abc", "", "", false},
	} {
		item, action, ok := parsePress(c.data)
		if item != c.item || action != c.action || ok != c.ok {
			t.Errorf("parsePress(%q) = %q %q %v", c.data, item, action, ok)
		}
	}
}
