// Package valid is the error type for input a user can correct: a bad
// field, a value out of range. Domain packages return it; the HTTP layer
// answers 422 with its message (translated when the UI knows its Code), so
// the domain never speaks HTTP.
package valid

import (
	"errors"
	"fmt"
)

// Error is a user-correctable input error.
type Error struct {
	Field string // form or JSON field it concerns, if one
	Code  string // stable identifier for translation, e.g. "login_format"
	Msg   string // English text, shown when no translation exists
}

func (e *Error) Error() string {
	if e.Field != "" {
		return "invalid " + e.Field + ": " + e.Msg
	}
	return "invalid: " + e.Msg
}

// Errorf makes an Error for field with a code and a formatted message.
func Errorf(field, code, format string, args ...any) error {
	return &Error{Field: field, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// As extracts an Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is a validation error.
func Is(err error) bool {
	_, ok := As(err)
	return ok
}
