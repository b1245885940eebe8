//go:build !race

package mailing_test

const raceScale = 1
