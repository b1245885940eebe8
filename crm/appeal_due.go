package crm

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// setDueOn decides an appeal's due date. A new appeal's comes from its
// category's SLA (DefaultAppealDays without a category); a changed
// category recomputes it from the filing date unless the caller moved it
// too. A date set by hand that differs from the computed one needs
// access.SetAppealDue. old is nil for a new appeal.
func setDueOn(ctx context.Context, q db.Execer, sc access.Scope, in *AppealInput, old *Appeal, cal WorkingDays) error {
	filed, oldCategory, oldDue := time.Now(), "", ""
	if old != nil {
		filed, oldCategory, oldDue = old.CreatedAt, old.CategoryID, old.DueOn
	}
	computed := oldDue
	if old == nil {
		computed = filed.AddDate(0, 0, DefaultAppealDays).Format(time.DateOnly)
	}
	if in.CategoryID != oldCategory || old == nil {
		if in.CategoryID != "" {
			c, err := appealCategory(ctx, q, in.CategoryID)
			if err != nil {
				return err
			}
			if c.Disabled {
				return valid.Errorf("category_id", "category", "the category %q is no longer used", c.Name)
			}
			computed = c.DueDate(filed, cal)
		}
	}
	if in.DueOn == "" || in.DueOn == oldDue {
		in.DueOn = computed // the caller did not set one: the rule's
	}
	if in.DueOn != computed && !sc.Can(access.SetAppealDue) {
		return fmt.Errorf("%w: the due date follows the category; setting it by hand needs %s", access.ErrForbidden, access.SetAppealDue)
	}
	return nil
}
