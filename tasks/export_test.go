package tasks

import "time"

// SetNow sets the service's clock (tests only; set it before the node's
// minute sweep could read it).
func (s *Service) SetNow(f func() time.Time) { s.now = f }
