package workflow

import (
	"fmt"
	"slices"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// Definition is a process as data: steps, who acts at each, the decisions
// available there and where each leads. Definitions are stored and
// versioned; a running document keeps the version it started with, so
// editing a process never changes the rules under a document in flight.
type Definition struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	Kind    Kind   `json:"kind"`
	Start   string `json:"start"`
	Steps   []Step `json:"steps"`
}

// Step is one stage of a process. A non-final step is a task for the people
// its Actor names; a final step ends the process with Status.
type Step struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Actor     Actor      `json:"actor,omitzero"`
	All       bool       `json:"all,omitempty"`  // every assignee decides; the step moves on when the last one has
	Days      int        `json:"days,omitempty"` // task deadline in working days (whole days without a calendar); 0: the document's deadline
	Final     bool       `json:"final,omitempty"`
	Status    Status     `json:"status,omitempty"` // of a final step: closed or rejected
	Decisions []Decision `json:"decisions,omitempty"`
}

// Actor says who gets the task of a step: everyone of a role nearest above
// the document's unit, the person who registered the document, or the
// people chosen by the decision that led here.
type Actor struct {
	Role    access.Role `json:"role,omitempty"`
	Creator bool        `json:"creator,omitempty"`
	Chosen  bool        `json:"chosen,omitempty"`
}

// Effect is what a decision does to the document besides moving it.
type Effect string

const (
	EffectNone       Effect = ""
	EffectSign       Effect = "sign"       // the document is signed; current attachment versions are fixed
	EffectReject     Effect = "reject"     // the comment becomes the recorded reason
	EffectResolution Effect = "resolution" // the chairman's resolution: text, deadline, priority
	EffectDispatch   Effect = "dispatch"   // how and when an outgoing document left
)

// Decision is one button at a step.
type Decision struct {
	ID          string   `json:"id"`
	Label       string   `json:"label"`
	To          string   `json:"to"`
	Effect      Effect   `json:"effect,omitempty"`
	NeedComment bool     `json:"need_comment,omitempty"`
	Choose      bool     `json:"choose,omitempty"` // the decider names the people of the next step
	Notify      []string `json:"notify,omitempty"` // "creator": tell the registering secretary
}

func (d *Definition) step(id string) *Step {
	for i := range d.Steps {
		if d.Steps[i].ID == id {
			return &d.Steps[i]
		}
	}
	return nil
}

func (s *Step) decision(id string) *Decision {
	for i := range s.Decisions {
		if s.Decisions[i].ID == id {
			return &s.Decisions[i]
		}
	}
	return nil
}

var effects = []Effect{EffectNone, EffectSign, EffectReject, EffectResolution, EffectDispatch}

// Validate refuses a definition a document could get stuck in: unknown
// targets, steps nobody can reach, steps from which no final step can be
// reached (dead ends), and chosen-people steps entered without a choice.
func (d *Definition) Validate() error {
	if !validID(d.ID) {
		return valid.Keyed("definition", "definition_invalid", "def_id", "the process id must be 1–40 lower-case Latin letters, digits, '-' or '_'")
	}
	if !slices.Contains(Kinds, d.Kind) {
		return valid.Keyed("definition", "definition_invalid", "def_kind", "kind must be internal, incoming or outgoing")
	}
	if d.Name == "" || len(d.Steps) == 0 || len(d.Steps) > 50 {
		return valid.Keyed("definition", "definition_invalid", "def_steps", "a process needs a name and 1–50 steps")
	}
	seen := map[string]bool{}
	for _, s := range d.Steps {
		if !validID(s.ID) || seen[s.ID] {
			return valid.Keyed("definition", "definition_invalid", "def_step_id", "step id %q is malformed or repeated", s.ID)
		}
		seen[s.ID] = true
	}
	if d.step(d.Start) == nil {
		return valid.Keyed("definition", "definition_invalid", "def_start", "the start step %q does not exist", d.Start)
	}
	for _, s := range d.Steps {
		if err := d.validateStep(s); err != nil {
			return err
		}
	}
	// Every step reachable from the start.
	reach := map[string]bool{d.Start: true}
	queue := []string{d.Start}
	for len(queue) > 0 {
		s := d.step(queue[0])
		queue = queue[1:]
		for _, dec := range s.Decisions {
			if !reach[dec.To] {
				reach[dec.To] = true
				queue = append(queue, dec.To)
			}
		}
	}
	for _, s := range d.Steps {
		if !reach[s.ID] {
			return valid.Keyed("definition", "definition_invalid", "def_unreachable", "step %q cannot be reached from the start", s.ID)
		}
	}
	// From every step some final step reachable (no dead ends, no closed loops).
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range d.Steps {
			if ends[s.ID] {
				continue
			}
			if s.Final || slices.ContainsFunc(s.Decisions, func(x Decision) bool { return ends[x.To] }) {
				ends[s.ID], changed = true, true
			}
		}
	}
	for _, s := range d.Steps {
		if !ends[s.ID] {
			return valid.Keyed("definition", "definition_invalid", "def_dead_end", "step %q is a dead end: no way from it to a final step", s.ID)
		}
	}
	return nil
}

func (d *Definition) validateStep(s Step) error {
	if s.Name == "" {
		return valid.Keyed("definition", "definition_invalid", "def_step_name", "step %q: needs a name", s.ID)
	}
	if s.Final {
		if len(s.Decisions) > 0 || s.Actor != (Actor{}) {
			return valid.Keyed("definition", "definition_invalid", "def_final_actor", "step %q: a final step has no actor and no decisions", s.ID)
		}
		if s.Status != StatusClosed && s.Status != StatusRejected {
			return valid.Keyed("definition", "definition_invalid", "def_final_status", "step %q: a final step's status must be closed or rejected", s.ID)
		}
		return nil
	}
	n := 0
	for _, set := range []bool{s.Actor.Role != "", s.Actor.Creator, s.Actor.Chosen} {
		if set {
			n++
		}
	}
	if n != 1 {
		return valid.Keyed("definition", "definition_invalid", "def_actor", "step %q: needs exactly one actor: a role, the creator or the chosen people", s.ID)
	}
	if s.Actor.Role != "" {
		if _, err := access.ParseRole(string(s.Actor.Role)); err != nil {
			return valid.Keyed("definition", "definition_invalid", "def_actor_invalid", "step %q: %v", s.ID, err)
		}
	}
	if s.All && !s.Actor.Chosen {
		return valid.Keyed("definition", "definition_invalid", "def_all_chosen", "step %q: \"all\" needs chosen people", s.ID)
	}
	if s.Days < 0 || s.Days > 365 {
		return valid.Keyed("definition", "definition_invalid", "def_days", "step %q: days must be 0–365", s.ID)
	}
	if len(s.Decisions) == 0 {
		return valid.Keyed("definition", "definition_invalid", "def_no_decisions", "step %q: is a dead end: no decisions", s.ID)
	}
	ids := map[string]bool{}
	for _, dec := range s.Decisions {
		if !validID(dec.ID) || ids[dec.ID] || dec.Label == "" {
			return valid.Keyed("definition", "definition_invalid", "def_decision_id", "step %q: decision %q needs a unique id and a label", s.ID, dec.ID)
		}
		ids[dec.ID] = true
		to := d.step(dec.To)
		if to == nil {
			return valid.Keyed("definition", "definition_invalid", "def_decision_to", "step %q: decision %q leads to unknown step %q", s.ID, dec.ID, dec.To)
		}
		if !slices.Contains(effects, dec.Effect) {
			return valid.Keyed("definition", "definition_invalid", "def_decision_effect", "step %q: decision %q has unknown effect %q", s.ID, dec.ID, dec.Effect)
		}
		if to.Actor.Chosen && !dec.Choose {
			return valid.Keyed("definition", "definition_invalid", "def_decision_unchosen", "step %q: decision %q leads to a step of chosen people without choosing them", s.ID, dec.ID)
		}
		if dec.Choose && !to.Actor.Chosen {
			return valid.Keyed("definition", "definition_invalid", "def_decision_chooses", "step %q: decision %q chooses people for step %q, which does not take chosen people", s.ID, dec.ID, dec.To)
		}
		for _, n := range dec.Notify {
			if n != "creator" {
				return valid.Keyed("definition", "definition_invalid", "def_notify", "step %q: decision %q: unknown notify target %q", s.ID, dec.ID, n)
			}
		}
	}
	return nil
}

func validID(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Describe is a one-line summary for logs and errors.
func (d *Definition) Describe() string { return fmt.Sprintf("%s v%d", d.ID, d.Version) }
