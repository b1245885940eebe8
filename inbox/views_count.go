package inbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
)

// MaxCounted caps a count of conversations: a view's menu says "500+"
// rather than read a long history to the end.
const MaxCounted = 500

// Count is how many conversations List would show for f over every page,
// up to MaxCounted (a search by the words of messages counts its first
// MaxCounted matches).
func (cv *Conversations) Count(ctx context.Context, sc access.Scope, f ConversationFilter) (int, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return 0, err
	}
	if f.Text != "" {
		f.Limit = MaxCounted
		found, err := cv.search(ctx, sc, f)
		return len(found), err
	}
	where, args, err := listConditions(sc, f, "c.created_at")
	if err != nil {
		return 0, err
	}
	if where, args, err = cv.customCondition(ctx, f, where, args); err != nil {
		return 0, err
	}
	args = append(args, MaxCounted)
	var n int
	err = cv.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT c.id `+convFrom+` JOIN units u ON u.id = c.unit_id WHERE `+
		strings.Join(where, " AND ")+fmt.Sprintf(` LIMIT $%d) AS x`, len(args)), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inbox: count conversations: %w", err)
	}
	return n, nil
}
