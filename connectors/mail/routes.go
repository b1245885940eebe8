package mail

import "net/http"

// Routes mounts nothing: mail arrives over IMAP, not by webhook.
func (c *Connector) Routes(*http.ServeMux) {}
