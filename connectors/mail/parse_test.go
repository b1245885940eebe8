package mail

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func koi8(s string) string {
	b, err := charmap.KOI8R.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

func cp1251(s string) string {
	b, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

// Fixtures: letters as they come from the wild.
var (
	letterKOI8 = crlf(`From: =?KOI8-R?B?`+b64(koi8("Иван Петров"))+`?= <Ivan@Example.RU>
To: hotline@union.example
Subject: =?KOI8-R?B?`+b64(koi8("Задержка зарплаты"))+`?=
Message-ID: <koi8-1@example.ru>
Date: Mon, 23 Nov 2026 10:00:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=KOI8-R
Content-Transfer-Encoding: 8bit

`) + koi8("Здравствуйте! Нам третий месяц не платят зарплату.") + "\r\n"

	letterCP1251 = crlf(`From: member@example.ru
Subject: test
Message-ID: <cp1251@example.ru>
Content-Type: text/plain; charset=windows-1251

`) + cp1251("Прошу разъяснить порядок отпуска.") + "\r\n"

	letterHostileHTML = crlf(`From: attacker@evil.example
Subject: hi
Message-ID: <hostile@evil.example>
Content-Type: text/html; charset=utf-8

<p onclick="steal()">Hello <b>there</b></p>
<script>alert(document.cookie)</script>
<a href="javascript:alert(1)">click</a> <a href="https://ok.example/x">ok</a>
<img src="https://tracker.example/pixel.gif" alt="pixel"><img src="cid:logo@x">
<svg><script>alert(2)</script><circle onload="x()"/></svg>
<iframe src="https://evil.example"></iframe><style>body{background:url(https://t.example/)}</style>
<form action="https://evil.example"><input name=p></form>
`)

	letterAttachments = crlf(`From: member@example.ru
Subject: files
Message-ID: <files@example.ru>
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain; charset=utf-8

See attached.
--b1
Content-Type: text/plain
Content-Disposition: attachment; filename="../../etc/passwd"

root:x:0:0
--b1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe

MZ
--b1
Content-Type: image/png
Content-Disposition: inline
Content-ID: <logo@x>
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b1--
`)

	letterAutoReply = crlf(`From: member@example.ru
Subject: Auto: Re: your letter
Message-ID: <auto@example.ru>
Auto-Submitted: auto-replied
X-Autoreply: yes
Content-Type: text/plain

I am on holiday until Monday.
`)

	letterBounce = crlf(`From: Mail Delivery System <MAILER-DAEMON@mx.union.example>
To: hotline@union.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.union.example>
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary=r

--r
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.union.example

Final-Recipient: rfc822; nobody@example.ru
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown
--r
Content-Type: text/rfc822-headers

From: hotline@union.example
To: nobody@example.ru
Subject: Re: question
Message-ID: <out.m1.c1@union.example>
--r--
`)

	// Outlook rewrites Message-IDs it quotes without brackets, adds its own
	// Thread-Index and puts "RE:" in front of our subject tag.
	letterOutlook = crlf(`From: "Petrova, Anna" <anna@corp.example>
Subject: RE: [#abcdef1234] Re: question
Message-ID: <DB9PR01MB1234@eurprd01.prod.outlook.com>
In-Reply-To: <DB9PR01MB0000@eurprd01.prod.outlook.com>
References: <DB9PR01MB0000@eurprd01.prod.outlook.com>
Thread-Index: AQHZabcdef
Authentication-Results: mx.union.example; spf=pass smtp.mailfrom=corp.example;
 dkim=fail header.d=corp.example; dkim=pass header.d=corp.example; dmarc=pass header.from=corp.example
Authentication-Results: forged.example; dmarc=pass
Content-Type: text/plain; charset=utf-8

Thanks, see below.
`)
)

func b64(s string) string {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	for i := 0; i < len(s); i += 3 {
		var n uint32
		k := min(3, len(s)-i)
		for j := 0; j < 3; j++ {
			n <<= 8
			if j < k {
				n |= uint32(s[i+j])
			}
		}
		for j := 0; j < 4; j++ {
			if j <= k {
				b.WriteByte(enc[(n>>(18-6*j))&63])
			} else {
				b.WriteByte('=')
			}
		}
	}
	return b.String()
}

func manyParts(n int) string {
	var b strings.Builder
	b.WriteString("From: a@example.ru\r\nSubject: many\r\nMessage-ID: <many@x>\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n")
	for i := range n {
		fmt.Fprintf(&b, "--m\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
	}
	b.WriteString("--m--\r\n")
	return b.String()
}

func deepNesting(n int) string {
	var b strings.Builder
	b.WriteString("From: a@example.ru\r\nSubject: deep\r\nMessage-ID: <deep@x>\r\nContent-Type: multipart/mixed; boundary=d0\r\n\r\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "--d%d\r\nContent-Type: multipart/mixed; boundary=d%d\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--d%d\r\nContent-Type: text/plain\r\n\r\nbottom\r\n", n-1)
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--d%d--\r\n", i)
	}
	return b.String()
}

func TestParseCharsets(t *testing.T) {
	l := parseLetter([]byte(letterKOI8), defaultLimits, "")
	if l.quarantine != "" || l.fromName != "Иван Петров" || l.fromAddr != "ivan@example.ru" || l.subject != "Задержка зарплаты" ||
		l.text != "Здравствуйте! Нам третий месяц не платят зарплату." || l.messageID != "koi8-1@example.ru" {
		t.Fatalf("KOI8-R letter: %+v", l)
	}
	l = parseLetter([]byte(letterCP1251), defaultLimits, "")
	if l.text != "Прошу разъяснить порядок отпуска." {
		t.Fatalf("Windows-1251 text: %q", l.text)
	}
}

func TestParseHostileHTML(t *testing.T) {
	l := parseLetter([]byte(letterHostileHTML), defaultLimits, "")
	low := strings.ToLower(l.html)
	for _, bad := range []string{"<script", "onclick", "onload", "javascript:", "<svg", ` src="https`, "<iframe", "<style", "<form", "<input", "alert("} {
		if strings.Contains(low, bad) {
			t.Errorf("sanitised HTML still has %q:\n%s", bad, l.html)
		}
	}
	for _, good := range []string{"<b>there</b>", `href="https://ok.example/x"`, `src="cid:logo@x"`, `rel="nofollow noreferrer noopener"`} {
		if !strings.Contains(l.html, good) {
			t.Errorf("sanitised HTML lost %q:\n%s", good, l.html)
		}
	}
	if !strings.HasPrefix(l.text, "Hello there") || strings.Contains(l.text, "alert") || strings.Contains(l.text, "<") {
		t.Errorf("text from HTML: %q", l.text)
	}
}

func TestParseAttachmentNames(t *testing.T) {
	l := parseLetter([]byte(letterAttachments), defaultLimits, "")
	if l.text != "See attached." || len(l.parts) != 3 {
		t.Fatalf("letter: %q, %d parts", l.text, len(l.parts))
	}
	want := []string{"passwd", "invoicefdp.exe", "attachment-3.png"}
	for i, p := range l.parts {
		if p.name != want[i] {
			t.Errorf("part %d named %q, want %q", i, p.name, want[i])
		}
	}
	if !l.parts[2].inline || l.parts[2].contentID != "logo@x" || string(l.parts[2].data[:4]) != "\x89PNG" {
		t.Errorf("inline image: %+v", l.parts[2])
	}
}

func TestParseLoopsAndBounces(t *testing.T) {
	l := parseLetter([]byte(letterAutoReply), defaultLimits, "")
	if l.auto == "" || l.bounce {
		t.Errorf("auto-reply: auto %q bounce %v", l.auto, l.bounce)
	}
	l = parseLetter([]byte(letterBounce), defaultLimits, "")
	if !l.bounce || len(l.bounceOf) != 1 || l.bounceOf[0] != "out.m1.c1@union.example" || !strings.Contains(l.bounceWhy, "550 5.1.1 user unknown") {
		t.Errorf("bounce: %v of %v: %q", l.bounce, l.bounceOf, l.bounceWhy)
	}
	for _, prec := range []string{"bulk", "junk", "list"} {
		raw := strings.Replace(letterCP1251, "Subject:", "Precedence: "+prec+"\r\nSubject:", 1)
		if parseLetter([]byte(raw), defaultLimits, "").auto == "" {
			t.Errorf("Precedence %s not recognised", prec)
		}
	}
}

func TestParseOutlookHeadersAndAuth(t *testing.T) {
	l := parseLetter([]byte(letterOutlook), defaultLimits, "")
	if l.fromName != "Petrova, Anna" || len(l.inReplyTo) != 1 || l.inReplyTo[0] != "DB9PR01MB0000@eurprd01.prod.outlook.com" {
		t.Fatalf("outlook letter: %+v", l)
	}
	if l.auth.server != "mx.union.example" || l.auth.spf != "pass" || l.auth.dkim != "pass" || l.auth.dmarc != "pass" || !l.auth.authenticated() {
		t.Errorf("auth: %+v", l.auth)
	}
	// Only the configured server's verdict counts.
	if a := parseLetter([]byte(letterOutlook), defaultLimits, "mx.other.example").auth; a.authenticated() || a.server != "" {
		t.Errorf("auth from an untrusted server believed: %+v", a)
	}
}

func TestParseLimitsQuarantine(t *testing.T) {
	for name, raw := range map[string]string{"2000 parts": manyParts(2000), "1000 deep": deepNesting(1000)} {
		l := parseLetter([]byte(raw), defaultLimits, "")
		if l.quarantine == "" || len(l.parts) != 0 || l.messageID == "" || l.subject == "" {
			t.Errorf("%s: quarantine %q, %d parts, header %q %q", name, l.quarantine, len(l.parts), l.messageID, l.subject)
		}
	}
	l := parseLetter([]byte(letterCP1251), limits{rawBytes: 10, parts: 10, depth: 10}, "")
	if !strings.Contains(l.quarantine, "over the limit") || l.messageID != "cp1251@example.ru" {
		t.Errorf("oversized: %+v", l)
	}
	// Under the limits, a modest letter of many parts reads normally.
	if l := parseLetter([]byte(manyParts(20)), defaultLimits, ""); l.quarantine != "" || l.text != "part 0" {
		t.Errorf("20 parts: %+v", l)
	}
}

// FuzzParseLetter feeds arbitrary bytes to the parser: it must not panic,
// must finish, and must give valid UTF-8 and clean file names.
func FuzzParseLetter(f *testing.F) {
	for _, s := range []string{letterKOI8, letterCP1251, letterHostileHTML, letterAttachments, letterAutoReply, letterBounce,
		letterOutlook, manyParts(50), deepNesting(40), "", "From: x\r\n\r\n", "Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		l := parseLetter(raw, limits{rawBytes: 1 << 20, parts: 50, depth: 8}, "")
		if !utf8ValidAll(l.text, l.subject, l.fromName, l.html) {
			t.Fatalf("invalid UTF-8 out of %q", raw)
		}
		for _, p := range l.parts {
			if strings.ContainsAny(p.name, "/\\\u202e") || p.name == "" {
				t.Fatalf("unclean name %q", p.name)
			}
		}
		if strings.Contains(strings.ToLower(l.html), "<script") {
			t.Fatalf("script survived: %q", l.html)
		}
	})
}
