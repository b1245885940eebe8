//go:build race

package mailing_test

// The race detector slows SQLite (modernc, C translated to Go) about
// thirty times; fault tests use smaller campaigns under it.
const raceScale = 5
