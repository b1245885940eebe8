package automation

import (
	"context"
	"errors"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// BulkInput is one action on many conversations of the console's list.
type BulkInput struct {
	IDs        []string `json:"ids"`
	Action     string   `json:"action"` // assign, label, transfer, close
	OperatorID string   `json:"operator_id"`
	LineID     string   `json:"line_id"`
	LabelID    string   `json:"label_id"`
}

// BulkResult says how many conversations the action was done on, and why
// it was not on the others.
type BulkResult struct {
	Done   int          `json:"done"`
	Failed []BulkFailed `json:"failed"`
}

// BulkFailed is one conversation the action was refused on.
type BulkFailed struct {
	ID    string `json:"id"`
	Error error  `json:"-"`
	// Code is the refusal in short: not_found, forbidden, closed, invalid.
	Code string `json:"code"`
}

// MaxBulk bounds one bulk action: a console page.
const MaxBulk = 200

// Bulk does one action on each conversation, each checked against the
// caller's scope as if done one by one; one refused does not stop the
// others.
func (s *Service) Bulk(ctx context.Context, sc access.Scope, in BulkInput) (BulkResult, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return BulkResult{}, err
	}
	if len(in.IDs) == 0 || len(in.IDs) > MaxBulk {
		return BulkResult{}, valid.Errorf("ids", "bulk_count", "choose 1 to %d conversations", MaxBulk)
	}
	var one func(id string) error
	switch in.Action {
	case "assign":
		if in.OperatorID == "" {
			return BulkResult{}, valid.Errorf("operator_id", "bulk_target", "choose an operator")
		}
		one = func(id string) error {
			_, err := s.d.Operator.Transfer(ctx, sc, id, inbox.TransferInput{OperatorID: in.OperatorID})
			return err
		}
	case "transfer":
		if _, err := s.d.Operator.LineFor(ctx, sc, in.LineID); err != nil {
			return BulkResult{}, valid.Errorf("line_id", "bulk_target", "choose a line")
		}
		one = func(id string) error {
			_, err := s.do(ctx, sc, id, Action{Kind: DoRouteLine, Value: in.LineID}, nil)
			return err
		}
	case "label":
		if _, err := s.d.Operator.Label(ctx, in.LabelID); err != nil {
			return BulkResult{}, valid.Errorf("label_id", "bulk_target", "choose a label")
		}
		one = func(id string) error {
			_, err := s.d.Operator.SetLabel(ctx, sc, id, in.LabelID, true)
			return err
		}
	case "close":
		one = func(id string) error {
			_, err := s.d.Operator.Close(ctx, sc, id)
			return err
		}
	default:
		return BulkResult{}, valid.Errorf("action", "bulk_action", "unknown action")
	}
	res := BulkResult{Failed: []BulkFailed{}}
	seen := map[string]bool{}
	for _, id := range in.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := one(id); err != nil {
			res.Failed = append(res.Failed, BulkFailed{ID: id, Error: err, Code: code(err)})
			continue
		}
		res.Done++
	}
	return res, nil
}

func code(err error) string {
	switch {
	case errors.Is(err, db.ErrNotFound):
		return "not_found"
	case errors.Is(err, access.ErrForbidden):
		return "forbidden"
	case errors.Is(err, inbox.ErrClosed):
		return "closed"
	}
	return "invalid"
}
