// Package org keeps the organisation tree (federation → committees and
// councils → primary organisations, any depth) and the staff who work in
// it. Every function takes the caller's access.Scope; rows outside the
// caller's subtree are reported as db.ErrNotFound.
package org

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// UnitKind is the level of a unit in the union's structure.
type UnitKind string

const (
	Federation UnitKind = "federation"
	Committee  UnitKind = "committee" // regional or sector committee (obkom)
	Council    UnitKind = "council"   // coordination council
	Primary    UnitKind = "primary"   // primary organisation
)

// UnitKinds lists the kinds in tree order.
var UnitKinds = []UnitKind{Federation, Committee, Council, Primary}

// ParseUnitKind accepts a kind name.
func ParseUnitKind(s string) (UnitKind, error) {
	k := UnitKind(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(UnitKinds, k) {
		return "", fmt.Errorf("unknown unit kind %q (federation, committee, council or primary)", s)
	}
	return k, nil
}

// Unit is one node of the tree.
type Unit struct {
	ID        string    `json:"id"`
	ParentID  string    `json:"parent_id,omitempty"`
	Path      string    `json:"path"`
	Kind      UnitKind  `json:"kind"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Depth is 0 for a root.
func (u Unit) Depth() int { return strings.Count(u.Path, "/") - 2 }

func validName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 300 {
		return "", valid.Errorf("name", "name_length", "name must have 1 to 300 characters")
	}
	return name, nil
}

func unitNotFound(id string) error { return fmt.Errorf("org: unit %s: %w", id, db.ErrNotFound) }
