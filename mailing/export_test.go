package mailing

import "context"

// Test hooks: tokens of a given ledger row, and whether this node is
// sending a campaign right now.

func (s *Service) UnsubscribeTokenForTest(campaignID string, seq int64) string {
	return s.unsubscribeToken(campaignID, seq)
}

func (s *Service) ActiveForTest(campaignID string) bool {
	s.runner.mu.Lock()
	defer s.runner.mu.Unlock()
	_, ok := s.runner.jobs[campaignID]
	return ok
}

var SMSSegmentsForTest = SMSSegments

var MessengerTextsForTest = messengerTexts

// ApplyFlightLogForTest does what the next run of a campaign does first:
// writes its flight log to the ledger, so a test sees after a kill what
// the restart will know.
func (s *Service) ApplyFlightLogForTest(ctx context.Context, campaignID string) (sent, inFlight int, err error) {
	l, err := s.flightLogFor(ctx, campaignID)
	if err != nil {
		return 0, 0, err
	}
	defer l.close()
	return s.applyFlightLog(ctx, campaignID, l)
}
