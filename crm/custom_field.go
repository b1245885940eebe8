package crm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
)

// Typed custom fields: an administrator adds fields to the cards of an
// entity — a member's "Стаж в профсоюзе, лет", an organisation's "ИНН" —
// with a type, a required flag and a scope: the whole federation, or one
// unit's subtree (a committee's own fields apply to the cards of its
// organisations only). Values live in the card's Custom map under the
// field's key and are checked on the server (checkCustom) whatever sends
// them; keys no active field defines are left as they are.

// CustomKind is the type of a custom field's value.
type CustomKind string

const (
	CustomText   CustomKind = "text"   // a line of text, at most 1,000 characters
	CustomNumber CustomKind = "number" // stored as a JSON number; "12,5" is read as 12.5
	CustomDate   CustomKind = "date"   // stored YYYY-MM-DD; ДД.ММ.ГГГГ is read too
	CustomChoice CustomKind = "choice" // one of Choices
	CustomBool   CustomKind = "bool"   // yes or no, stored as a JSON boolean
)

// CustomKinds lists the types of custom fields.
var CustomKinds = []CustomKind{CustomText, CustomNumber, CustomDate, CustomChoice, CustomBool}

// Entities that carry custom fields.
const (
	EntityMember       = "member"
	EntityOrganisation = "organisation"
	EntityAppeal       = "appeal"
	EntityConversation = "conversation"
)

// CustomEntities lists the entities a custom field may belong to.
var CustomEntities = []string{EntityMember, EntityOrganisation, EntityAppeal, EntityConversation}

// CustomFieldInput is what an administrator edits of a field. Entity,
// Key and Kind are fixed once the field exists: stored values depend on
// them.
type CustomFieldInput struct {
	Entity   string     `json:"entity"`
	Key      string     `json:"key"` // a-z, 0-9 and _; made from the label when empty
	Label    string     `json:"label"`
	Kind     CustomKind `json:"kind"`
	Choices  []string   `json:"choices"`
	Required bool       `json:"required"`
	UnitID   string     `json:"unit_id"` // "" the whole federation, else this unit's subtree
	Order    int        `json:"order"`
}

// CustomField is a stored field definition.
type CustomField struct {
	ID string `json:"id"`
	CustomFieldInput
	UnitName  string    `json:"unit_name,omitempty"`
	Retired   bool      `json:"retired"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	unitPath  string    // the scope's path; "" the whole federation
}

// appliesTo reports whether the field applies to a card of the unit with
// the given path.
func (f CustomField) appliesTo(path string) bool {
	return !f.Retired && (f.unitPath == "" || strings.HasPrefix(path, f.unitPath))
}

// normalize checks a definition and brings it to its stored form.
func (in *CustomFieldInput) normalize() error {
	in.Label = strings.Join(strings.Fields(in.Label), " ")
	if in.Label == "" || len([]rune(in.Label)) > 200 {
		return valid.Errorf("label", "custom_label", "a field needs a name of at most 200 characters")
	}
	if !slices.Contains(CustomEntities, in.Entity) {
		return valid.Errorf("entity", "custom_entity", "entity must be one of member, organisation, appeal, conversation")
	}
	if !slices.Contains(CustomKinds, in.Kind) {
		return valid.Errorf("kind", "custom_kind", "kind must be one of text, number, date, choice, bool")
	}
	in.Key = strings.TrimSpace(in.Key)
	if in.Key == "" {
		in.Key = keyFromLabel(in.Label)
	}
	if !fieldKey.MatchString(in.Key) {
		return valid.Errorf("key", "custom_key", "the key must be 1 to 40 characters a-z, 0-9 and _, starting with a letter")
	}
	var choices []string
	for _, c := range in.Choices {
		c = strings.Join(strings.Fields(c), " ")
		if c == "" || slices.ContainsFunc(choices, func(x string) bool { return norm.Fold(x) == norm.Fold(c) }) {
			continue
		}
		if len([]rune(c)) > 200 {
			return valid.Errorf("choices", "custom_choices", "a choice must have at most 200 characters")
		}
		choices = append(choices, c)
	}
	if in.Kind != CustomChoice {
		choices = nil
	} else if len(choices) == 0 || len(choices) > 100 {
		return valid.Errorf("choices", "custom_choices", "a list of choices needs 1 to 100 choices")
	}
	in.Choices = choices
	if in.Choices == nil {
		in.Choices = []string{}
	}
	return nil
}

// translit spells Russian letters in Latin for the keys made from labels.
var translit = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}

// keyFromLabel makes a key from a label: "Размер одежды" → "razmer_odezhdy".
func keyFromLabel(label string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(label) {
		s, ok := translit[r]
		switch {
		case ok:
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			s = string(r)
		default:
			sep = b.Len() > 0
			continue
		}
		if s == "" {
			continue
		}
		if sep {
			b.WriteByte('_')
			sep = false
		}
		b.WriteString(s)
	}
	key := b.String()
	if len(key) > 40 {
		key = strings.TrimRight(key[:40], "_")
	}
	if key == "" || key[0] < 'a' || key[0] > 'z' {
		key = "f_" + key
	}
	return key
}

// CustomFieldError refuses a custom field's value; it is a validation
// error (valid.As finds it) for the field "custom.<key>", and carries the
// field's label so the message can name it in the user's language
// (Reason is the catalogue key's last part: required, number, date,
// choice, bool, text).
type CustomFieldError struct {
	Key, Label, Reason string
	err                *valid.Error
}

func (e *CustomFieldError) Error() string { return e.err.Error() }

// Unwrap makes it a validation error.
func (e *CustomFieldError) Unwrap() error { return e.err }

func customError(f CustomField, reason, what string) error {
	return &CustomFieldError{Key: f.Key, Label: f.Label, Reason: reason,
		err: &valid.Error{Field: "custom." + f.Key, Code: "custom_" + reason, Msg: fmt.Sprintf("%s: %s", f.Label, what)}}
}

// checkCustom checks the values of a card of the unit at path against
// the active fields that apply to it and returns them in stored form:
// numbers as numbers, dates as YYYY-MM-DD, yes/no as booleans, an empty
// value removed. With required set, a required field left empty is
// refused. Keys of other fields (retired, of another subtree, unknown)
// are kept as they are.
func checkCustom(defs []CustomField, path string, values map[string]any, required bool) (map[string]any, error) {
	out := maps.Clone(values)
	if out == nil {
		out = map[string]any{}
	}
	for _, f := range defs {
		if !f.appliesTo(path) {
			continue
		}
		v, err := customValue(f, out[f.Key])
		if err != nil {
			return nil, err
		}
		if v == nil {
			delete(out, f.Key)
			if required && f.Required {
				return nil, customError(f, "required", "is required")
			}
			continue
		}
		out[f.Key] = v
	}
	return out, nil
}

// customValue checks and normalises one value; nil is empty.
func customValue(f CustomField, v any) (any, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if f.Kind != CustomBool {
			return nil, customError(f, string(f.Kind), "must not be yes or no")
		}
		return x, nil
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		s = strconv.Itoa(x)
	case string:
		s = strings.TrimSpace(x)
	default:
		return nil, customError(f, string(f.Kind), "must be text, a number or yes/no")
	}
	if s == "" {
		return nil, nil
	}
	switch f.Kind {
	case CustomText:
		if len([]rune(s)) > 1000 {
			return nil, customError(f, "text", "must have at most 1,000 characters")
		}
		return s, nil
	case CustomNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > 1e12 {
			return nil, customError(f, "number", "must be a number")
		}
		return n, nil
	case CustomDate:
		// Numbers are refused rather than read as Excel's day counts.
		d, err := parseImportDate(f.Key, s)
		if _, isNumber := v.(float64); err != nil || isNumber || !strings.ContainsAny(s, "-./") {
			return nil, customError(f, "date", "must be a date")
		}
		return d, nil
	case CustomChoice:
		for _, c := range f.Choices {
			if norm.Fold(c) == norm.Fold(s) {
				return c, nil
			}
		}
		return nil, customError(f, "choice", "must be one of its choices")
	case CustomBool:
		switch strings.ToLower(s) {
		case "true", "1", "да", "yes":
			return true, nil
		case "false", "0", "нет", "no":
			return false, nil
		}
		return nil, customError(f, "bool", "must be yes or no")
	}
	return nil, customError(f, "text", "has an unknown type")
}

// CustomTexts are a member's custom values as people read them, by key,
// for the mailing templates ({{.Custom.stazh}}): yes/no as «да»/«нет»,
// numbers with a decimal comma, dates as ДД.ММ.ГГГГ.
func CustomTexts(m Member) map[string]string {
	if len(m.Custom) == 0 {
		return nil
	}
	out := make(map[string]string, len(m.Custom))
	for k, v := range m.Custom {
		switch x := v.(type) {
		case bool:
			out[k] = map[bool]string{true: "да", false: "нет"}[x]
		case float64:
			out[k] = strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
		case string:
			if d, err := time.Parse(time.DateOnly, x); err == nil {
				out[k] = d.Format("02.01.2006")
			} else {
				out[k] = x
			}
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
