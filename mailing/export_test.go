package mailing

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
