package mailing_test

import (
	"testing"

	"github.com/profhub/profhub/mailing"
)

// A rendered campaign message becomes Telegram's HTML subset and VK's
// plain text: tags Telegram does not know are dropped (their text kept),
// escaped member values stay escaped, links are written out for VK.
func TestMessengerTexts(t *testing.T) {
	for _, tc := range []struct{ name, in, tg, vk string }{
		{"plain", "Собрание в пятницу", "Собрание в пятницу", "Собрание в пятницу"},
		{"allowed tags", "<b>Важно</b>: <i>собрание</i>", "<b>Важно</b>: <i>собрание</i>", "Важно: собрание"},
		{"escaped value", "Здравствуйте, Ершов &lt;script&gt;&amp;!", "Здравствуйте, Ершов &lt;script&gt;&amp;!", "Здравствуйте, Ершов <script>&!"},
		{"unknown tags dropped", "<h1>Новости</h1><p>Текст</p><script>alert(1)</script>", "Новости\nТекст", "Новости\nТекст"},
		{"link", `Подробнее: <a href="https://union.example.org/a?b=1&amp;c=2">на сайте</a>`,
			`Подробнее: <a href="https://union.example.org/a?b=1&amp;c=2">на сайте</a>`, "Подробнее: на сайте (https://union.example.org/a?b=1&c=2)"},
		{"bare link", `<a href="https://union.example.org">https://union.example.org</a>`,
			`<a href="https://union.example.org">https://union.example.org</a>`, "https://union.example.org"},
		{"javascript link", `<a href="javascript:alert(1)">нажми</a>`, "нажми", "нажми"},
		{"line breaks", "Первая<br>Вторая", "Первая\nВторая", "Первая\nВторая"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, vk := mailing.MessengerTextsForTest(tc.in)
			if tg != tc.tg || vk != tc.vk {
				t.Errorf("got\n tg %q\n vk %q\nwant\n tg %q\n vk %q", tg, vk, tc.tg, tc.vk)
			}
		})
	}
}
