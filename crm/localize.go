package crm

import (
	"errors"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// localize gives a validation error of a card's form its message in
// lang from the catalogue (web/i18n), so that the card shows it beside
// the field in the user's language: "err.custom.<reason>" naming a custom
// field by its label, else "err.<code>" when the catalogue has it. Other
// errors, and codes without a text, pass unchanged.
func (tr Translator) localize(lang string, err error) error {
	ve, ok := valid.As(err)
	if !ok || tr == nil {
		return err
	}
	msg := ""
	var ce *CustomFieldError
	if errors.As(err, &ce) {
		if key := "err.custom." + ce.Reason; tr(lang, key) != key {
			msg = tr(lang, key, ce.Label)
		}
	} else {
		msg = tr.text(lang, "err."+ve.Code, "")
	}
	if msg == "" {
		return err
	}
	return &valid.Error{Field: ve.Field, Code: ve.Code, Msg: msg}
}
