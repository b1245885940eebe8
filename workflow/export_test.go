package workflow

import "strings"

// SetBaseURL changes the public address in task e-mails of a running hub,
// so a test can check the link without serving on that address.
func (s *Mail) SetBaseURL(u string) { s.baseURL = strings.TrimRight(u, "/") }
