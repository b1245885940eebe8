package crm

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
)

// A universal list is a register the administrator defines — name and
// typed fields — in which staff keep records: the awards list, the
// holders of a grant, the members of a youth council. Records belong to a
// unit (the member's organisation for a record about a member), and are
// seen by the people whose subtree holds it.

// FieldType is the kind of value a list field holds.
type FieldType string

const (
	FieldText         FieldType = "text"
	FieldNumber       FieldType = "number"
	FieldMoney        FieldType = "money"  // roubles, two decimals
	FieldDate         FieldType = "date"   // YYYY-MM-DD
	FieldYear         FieldType = "year"   // 1900–2100
	FieldChoice       FieldType = "choice" // one of Choices
	FieldMember       FieldType = "member" // a member card's id
	FieldOrganisation FieldType = "organisation"
	FieldFile         FieldType = "file" // an uploaded file (list_file.go)
)

// FieldTypes lists the field types.
var FieldTypes = []FieldType{FieldText, FieldNumber, FieldMoney, FieldDate, FieldYear, FieldChoice, FieldMember, FieldOrganisation, FieldFile}

// ListField is one column of a list.
type ListField struct {
	Key      string    `json:"key"`   // a-z, 0-9 and _, unique in the list
	Title    string    `json:"title"` // the column's heading
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
	Choices  []string  `json:"choices,omitempty"`
}

// ListInput is a list's definition.
type ListInput struct {
	Name   string      `json:"name"`
	UnitID string      `json:"unit_id"` // whose list it is; the caller's unit when empty
	Fields []ListField `json:"fields"`
}

// List is a stored list definition.
type List struct {
	ID string `json:"id"`
	ListInput
	UnitName  string    `json:"unit_name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AwardsList is the shipped example: who was awarded what, when, and why.
func AwardsList() ListInput {
	return ListInput{Name: "Награды", Fields: []ListField{
		{Key: "year", Title: "Год награждения", Type: FieldYear, Required: true},
		{Key: "member", Title: "ФИО", Type: FieldMember, Required: true},
		{Key: "workplace", Title: "Место работы, должность", Type: FieldText},
		{Key: "industry", Title: "Отрасль", Type: FieldText},
		{Key: "award", Title: "Наименование награды", Type: FieldChoice, Required: true, Choices: []string{
			"Почётная грамота ФНПР", "Нагрудный знак ФНПР «За заслуги перед профсоюзами»", "Почётная грамота Федерации",
			"Благодарность Федерации", "Почётная грамота обкома", "Благодарность обкома"}},
		{Key: "gift", Title: "Денежный подарок, ₽", Type: FieldMoney},
		{Key: "decision", Title: "Решение (№, дата)", Type: FieldText},
		{Key: "reason", Title: "Обоснование", Type: FieldText},
	}}
}

var fieldKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func (in *ListInput) normalize() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if in.Name == "" || len([]rune(in.Name)) > 200 {
		return valid.Errorf("name", "name", "a list needs a name of at most 200 characters")
	}
	if len(in.Fields) == 0 || len(in.Fields) > 50 {
		return valid.Errorf("fields", "fields", "a list needs 1 to 50 fields")
	}
	seen := map[string]bool{}
	for i := range in.Fields {
		f := &in.Fields[i]
		f.Title = strings.Join(strings.Fields(f.Title), " ")
		if !fieldKey.MatchString(f.Key) || seen[f.Key] {
			return valid.Errorf("fields", "field_key", "field %d: key %q must be unique, a-z, 0-9 and _, starting with a letter", i+1, f.Key)
		}
		seen[f.Key] = true
		if f.Title == "" || len([]rune(f.Title)) > 200 {
			return valid.Errorf("fields", "field_title", "field %s needs a title of at most 200 characters", f.Key)
		}
		if !slices.Contains(FieldTypes, f.Type) {
			return valid.Errorf("fields", "field_type", "field %s: type must be one of text, number, money, date, year, choice, member, organisation, file", f.Key)
		}
		if (f.Type == FieldChoice) != (len(f.Choices) > 0) || len(f.Choices) > 100 {
			return valid.Errorf("fields", "field_choices", "field %s: a choice field, and only one, has 1 to 100 choices", f.Key)
		}
	}
	return nil
}

// fieldValue checks and normalises one value of a record; nil or "" is
// empty. Member and organisation ids are checked against the scope by the
// caller.
func fieldValue(f ListField, v any) (any, error) {
	bad := func(what string) error {
		return valid.Errorf(f.Key, "value", "%s: %s", f.Title, what)
	}
	if f.Type == FieldFile {
		return fileFieldID(f, v)
	}
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = strings.TrimSpace(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		s = strconv.Itoa(x)
	default:
		return nil, bad("must be text or a number")
	}
	if s == "" {
		return nil, nil
	}
	switch f.Type {
	case FieldText:
		if len([]rune(s)) > 5000 {
			return nil, bad("at most 5,000 characters")
		}
		return s, nil
	case FieldNumber, FieldMoney:
		n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > 1e12 {
			return nil, bad("must be a number")
		}
		if f.Type == FieldMoney {
			n = math.Round(n*100) / 100
		}
		return n, nil
	case FieldYear:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1900 || n > 2100 {
			return nil, bad("must be a year")
		}
		return n, nil
	case FieldDate:
		d, err := parseImportDate(f.Key, s)
		if err != nil {
			return nil, bad("must be a date")
		}
		return d, nil
	case FieldChoice:
		for _, c := range f.Choices {
			if norm.Fold(c) == norm.Fold(s) {
				return c, nil
			}
		}
		return nil, bad(fmt.Sprintf("must be one of the list's choices, not %q", s))
	default: // member, organisation: an id
		if len(s) > 100 {
			return nil, bad("is not an id")
		}
		return s, nil
	}
}
