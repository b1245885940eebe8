package access

import "testing"

func TestScopeCoversAndRange(t *testing.T) {
	s := Scope{Role: Operator, UnitPath: "/a/b/"}
	lo, hi := s.PathRange()
	tests := []struct {
		path string
		in   bool
	}{
		{"/a/b/", true},
		{"/a/b/c/", true},
		{"/a/b/c/d/", true},
		{"/a/", false},
		{"/a/bb/", false},
		{"/a/c/", false},
		{"/x/a/b/", false},
	}
	for _, tc := range tests {
		if got := s.Covers(tc.path); got != tc.in {
			t.Errorf("Covers(%q) = %v, want %v", tc.path, got, tc.in)
		}
		if got := tc.path >= lo && tc.path < hi; got != tc.in {
			t.Errorf("range [%q,%q) contains %q = %v, want %v", lo, hi, tc.path, got, tc.in)
		}
	}
	var empty Scope
	if empty.Covers("/a/") {
		t.Error("empty scope covers a path")
	}
	if lo, hi := empty.PathRange(); lo < hi {
		t.Error("empty scope has a non-empty range")
	}
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		role Role
		perm Permission
		want bool
	}{
		{Administrator, ManageUsers, true},
		{Chairman, ManageUsers, false},
		{Chairman, ReadAudit, true},
		{Operator, ReadAudit, false},
		{Operator, ReadDirectory, true},
		{Executor, ManageUnits, false},
		{Administrator, ManageAppeals, true},
		{Chairman, ManageAppeals, false},
		{Deputy, SetAppealDue, true},
		{Operator, SetAppealDue, false},
		{Secretary, SendMailings, true},
		{Operator, SendMailings, false},
		{Executor, SendMailings, false},
	}
	for _, tc := range tests {
		s := Scope{Role: tc.role, UnitPath: "/r/"}
		if got := s.Require(tc.perm) == nil; got != tc.want {
			t.Errorf("%s %s = %v, want %v", tc.role, tc.perm, got, tc.want)
		}
	}
	if err := (Scope{Role: Administrator}).Require(ManageUsers); err == nil {
		t.Error("a scope without a unit must not be allowed anything")
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole(" Chairman "); err != nil || r != Chairman {
		t.Fatalf("ParseRole = %v, %v", r, err)
	}
	if _, err := ParseRole("king"); err == nil {
		t.Fatal("unknown role accepted")
	}
}
