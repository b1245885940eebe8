package hub_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/web/browsertest"
)

// TestRatingPageInChromium: the member follows the letter's «5» link on a
// phone, the page has 5 chosen, she writes a comment and sends it; the
// page thanks her in Russian and the conversation holds the rating and
// the comment; the link opened again shows the same form, and a forged
// one a clear refusal (web/browsertest/rating-page.test.mjs; screenshots
// rating-page-form and rating-page-done, at 390 px and desktop width).
func TestRatingPageInChromium(t *testing.T) {
	browsertest.Require(t)
	e := newRatingEnv(t)
	conv, links := ratingLetter(t, e)
	five := links[4][1]
	browsertest.Run(t, browsertest.Script{Name: "rating-page.test.mjs", Base: e.n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_RATE_URL=" + five}})
	if r, comment := e.rating(t, conv); r != 5 || comment != "Юрист всё объяснил, спасибо" {
		t.Fatalf("rating %d, comment %q", r, comment)
	}
}
