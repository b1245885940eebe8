package vk

import "time"

// Tests shorten the connector's waits so a whole hub reacts in
// milliseconds rather than seconds.
func init() {
	defaultTimings.rescanEvery = 100 * time.Millisecond
	defaultTimings.minBackoff = 100 * time.Millisecond
	defaultTimings.maxBackoff = time.Second
	defaultTimings.callTimeout = 2 * time.Second
	defaultTimings.callbackBudget = 3 * time.Second
	defaultTimings.pollBudget = 3 * time.Second
	defaultTimings.statusEvery = 0
}

// RandomID exposes the random_id derivation.
var RandomID = randomID
