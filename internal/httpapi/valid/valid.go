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
	// Args are the values formatted into Msg; the translation of the
	// message ("err.<Code>.<Field>" or "err.<Code>" in web/i18n) takes
	// them in the same order.
	Args []any
	// Key, when set, is the message's own catalogue key ("err.<Key>"),
	// for a code that covers many different messages (a process
	// definition's mistakes).
	Key string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return "invalid " + e.Field + ": " + e.Msg
	}
	return "invalid: " + e.Msg
}

// Errorf makes an Error for field with a code and a formatted message.
func Errorf(field, code, format string, args ...any) error {
	return &Error{Field: field, Code: code, Msg: fmt.Sprintf(format, args...), Args: args}
}

// Keyed is Errorf for one of several messages under one code: key names
// this message in the catalogue.
func Keyed(field, code, key, format string, args ...any) error {
	return &Error{Field: field, Code: code, Key: key, Msg: fmt.Sprintf(format, args...), Args: args}
}

// Refusal is a refusal that is not bad input — a conflict with what is
// stored, a state that does not allow the action — and says why in the
// user's language: the catalogue's "err.<Key>" with Args. It wraps the
// sentinel that decides its status (db.ErrConflict, access.ErrForbidden),
// so errors.Is and the HTTP mapping see what they saw before.
type Refusal struct {
	Sentinel error
	Key      string
	Msg      string // English text, shown when no translation exists
	Args     []any
}

func (e *Refusal) Error() string { return e.Sentinel.Error() + ": " + e.Msg }

// Unwrap gives the sentinel.
func (e *Refusal) Unwrap() error { return e.Sentinel }

// Refuse makes a Refusal of sentinel with a translation key and a
// formatted English message.
func Refuse(sentinel error, key, format string, args ...any) error {
	return &Refusal{Sentinel: sentinel, Key: key, Msg: fmt.Sprintf(format, args...), Args: args}
}

// AsRefusal extracts a Refusal from err's chain.
func AsRefusal(err error) (*Refusal, bool) {
	var e *Refusal
	ok := errors.As(err, &e)
	return e, ok
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
