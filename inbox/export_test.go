package inbox

import "context"

// SetMirrorReadHook runs f between a line mirror's reading of presence
// and its write; the returned func removes it.
func SetMirrorReadHook(f func()) func() {
	mirrorReadHook = f
	return func() { mirrorReadHook = nil }
}

// MirrorLine mirrors a line's operators into Redis as the sweep does when
// it first lists a line.
func MirrorLine(rt *Routing, lineID string) { rt.lineChanged(context.Background(), lineID) }
