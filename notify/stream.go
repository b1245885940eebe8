package notify

// The bells connected to this node: each open page holds a stream (SSE,
// routes.go) that waits on a channel here; announce wakes every stream of
// a person, which then reads the count from SQL. Nothing is lost when a
// wake-up is: each stream also re-reads the count every half minute.

// subscribe registers a stream of userID's; the returned func ends it.
func (s *Service) subscribe(userID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	if s.subs[userID] == nil {
		s.subs[userID] = map[chan struct{}]struct{}{}
	}
	s.subs[userID][ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs[userID], ch)
		if len(s.subs[userID]) == 0 {
			delete(s.subs, userID)
		}
		s.mu.Unlock()
	}
}

// announce wakes userID's streams on this node.
func (s *Service) announce(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs[userID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
