package mailing

import "context"

// Test hooks: tokens of a given ledger row, and whether this node is
// sending a campaign right now.

func (s *Services) UnsubscribeTokenForTest(campaignID string, seq int64) string {
	return s.Suppressions.tokens.unsubscribeToken(campaignID, seq)
}

func (s *Services) ActiveForTest(campaignID string) bool {
	s.Runner.mu.Lock()
	defer s.Runner.mu.Unlock()
	_, ok := s.Runner.jobs[campaignID]
	return ok
}

var SMSSegmentsForTest = SMSSegments

var MessengerTextsForTest = messengerTexts

// ApplyFlightLogForTest does what the next run of a campaign does first:
// writes its flight log to the ledger, so a test sees after a kill what
// the restart will know.
func (s *Services) ApplyFlightLogForTest(ctx context.Context, campaignID string) (sent, inFlight int, err error) {
	l, err := s.Runner.flight.open(ctx, campaignID)
	if err != nil {
		return 0, 0, err
	}
	defer l.close()
	return s.Runner.flight.apply(ctx, campaignID, l)
}
