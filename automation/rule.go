// Package automation runs the administrators' rules on the inbox's events
// (when … if … then …), the operators' macros and their bulk actions. It
// owns its tables and talks to the inbox through the ports of ports.go,
// which hub satisfies; it acts with the operators' own actions, so a rule
// is bound by what the inbox allows.
package automation

import (
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Triggers: when a rule runs.
const (
	OnOpened   = "opened"    // a conversation opened (a first message, or reopened by the contact)
	OnMessage  = "message"   // the contact wrote
	OnAssigned = "assigned"  // an operator got the conversation
	OnClosed   = "closed"    // the conversation was closed
	OnNoAnswer = "no_answer" // the contact waits for an answer IdleMin minutes of the line's working time
	OnAppeal   = "appeal"    // an appeal was filed from the conversation (not by a rule)
)

// Conditions: what must hold (all of them) for the rule's actions to run.
const (
	IfChannel      = "channel"       // Value: channel kind (telegram, vk, mail, widget, telephony, api)
	IfLine         = "line"          // Value: line id
	IfWords        = "words"         // Value: words, any of which (in any form) the message has
	IfLabel        = "label"         // Value: label id the conversation or its contact has
	IfOrganisation = "organisation"  // Value: unit id of the member's organisation
	IfWorkingHours = "working_hours" // Value: "open" or "closed": the line's working hours now
	IfAttribute    = "attribute"     // Value: "key=value": the conversation's custom field (CRM) has that value
)

// Actions: what a rule or a macro does.
const (
	DoRouteLine     = "route_line"     // Value: line id (a transfer to its queue)
	DoRouteOperator = "route_operator" // Value: user id (an operator of the conversation's line)
	DoLabel         = "label"          // Value: label id
	DoPriority      = "priority"       // Value: "0", "1" or "2"
	DoReply         = "reply"          // Value: the text sent to the contact
	DoClose         = "close"          //
	DoAppeal        = "appeal"         // Value: the appeal's subject (empty: from the conversation)
	DoNotify        = "notify"         // Value: user id told on the bell
	DoWebhook       = "webhook"        // Value: webhook endpoint id, sent one signed automation.rule event
	DoTemplate      = "template"       // Value: id of a line's quick answer, sent as the rule's reply
)

// Condition is one test of a rule; Negate turns it round.
type Condition struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	Negate bool   `json:"negate,omitempty"`
}

// Action is one step of a rule or a macro.
type Action struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Rule is an administrator's when-if-then; rules run in Position order.
type Rule struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Position   int         `json:"position"`
	Enabled    bool        `json:"enabled"`
	On         string      `json:"on"`
	IdleMin    int         `json:"idle_min,omitempty"`
	Conditions []Condition `json:"conditions"`
	Actions    []Action    `json:"actions"`
	// created (ms): a rule runs on events from then on, not on the
	// history before it.
	created int64
}

// Limits of rules and macros.
const (
	MaxNameRunes = 100
	MaxSteps     = 20
	MaxValue     = 4000
	MaxIdleMin   = 7 * 24 * 60
)

func validName(name *string) error {
	*name = strings.TrimSpace(*name)
	if n := utf8.RuneCountInString(*name); n == 0 || n > MaxNameRunes {
		return valid.Errorf("name", "rule_name", "a name has 1 to %d characters", MaxNameRunes)
	}
	return nil
}

func (r *Rule) validate() error {
	if err := validName(&r.Name); err != nil {
		return err
	}
	switch r.On {
	case OnOpened, OnMessage, OnAssigned, OnClosed, OnAppeal:
		r.IdleMin = 0
	case OnNoAnswer:
		if r.IdleMin < 1 || r.IdleMin > MaxIdleMin {
			return valid.Errorf("idle_min", "rule_idle", "minutes without an answer: 1 to %d", MaxIdleMin)
		}
	default:
		return valid.Errorf("on", "rule_trigger", "unknown trigger")
	}
	if len(r.Conditions) > MaxSteps {
		return valid.Errorf("conditions", "rule_steps", "at most %d steps", MaxSteps)
	}
	for i := range r.Conditions {
		c := &r.Conditions[i]
		c.Value = strings.TrimSpace(c.Value)
		switch c.Kind {
		case IfChannel, IfLine, IfLabel, IfOrganisation:
			if c.Value == "" {
				return valid.Errorf("conditions", "rule_value", "a condition needs a value")
			}
		case IfWords:
			if len(wordStems(c.Value)) == 0 {
				return valid.Errorf("conditions", "rule_words", "give the words to look for")
			}
		case IfAttribute:
			if k, _, ok := strings.Cut(c.Value, "="); !ok || strings.TrimSpace(k) == "" {
				return valid.Errorf("conditions", "rule_attribute", "give the field and its value as field=value")
			}
		case IfWorkingHours:
			if c.Value != "open" && c.Value != "closed" {
				return valid.Errorf("conditions", "rule_value", "a condition needs a value")
			}
		default:
			return valid.Errorf("conditions", "rule_condition", "unknown condition")
		}
		if len(c.Value) > MaxValue {
			return valid.Errorf("conditions", "too_long", "a value is limited to %d bytes", MaxValue)
		}
	}
	return validActions(r.Actions, true)
}

// validActions checks the shape of a rule's or macro's actions; whether
// the lines, labels and people they name exist is checked against the
// inbox when they are saved and again when they run.
func validActions(as []Action, rule bool) error {
	if len(as) == 0 {
		return valid.Errorf("actions", "rule_no_actions", "add at least one action")
	}
	if len(as) > MaxSteps {
		return valid.Errorf("actions", "rule_steps", "at most %d steps", MaxSteps)
	}
	for i := range as {
		a := &as[i]
		a.Value = strings.TrimSpace(a.Value)
		switch a.Kind {
		case DoRouteLine, DoRouteOperator, DoLabel, DoReply:
			if a.Value == "" {
				return valid.Errorf("actions", "rule_value", "an action needs a value")
			}
		case DoPriority:
			if a.Value != "0" && a.Value != "1" && a.Value != "2" {
				return valid.Errorf("actions", "rule_value", "an action needs a value")
			}
		case DoClose:
		case DoAppeal, DoNotify, DoWebhook, DoTemplate:
			// Rules only: a macro is an operator's click, and their
			// replies and integrations have their own buttons.
			if !rule {
				return valid.Errorf("actions", "rule_action", "unknown action")
			}
			if a.Kind != DoAppeal && a.Value == "" {
				return valid.Errorf("actions", "rule_value", "an action needs a value")
			}
		default:
			return valid.Errorf("actions", "rule_action", "unknown action")
		}
		if len(a.Value) > MaxValue {
			return valid.Errorf("actions", "too_long", "a value is limited to %d bytes", MaxValue)
		}
	}
	return nil
}
