//go:build !unix

package db

// lockFile is a no-op where flock does not exist; run one node per SQLite
// file there.
func lockFile(string) (func(), error) { return func() {}, nil }
