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
	msg, key, args := "", ve.Key, ve.Args
	var ce *CustomFieldError
	if errors.As(err, &ce) {
		key, args = "custom."+ce.Reason, []any{ce.Label}
		if k := "err." + key; tr(lang, k) != k {
			msg = tr(lang, k, ce.Label)
		}
	} else if len(ve.Args) == 0 {
		msg = tr.text(lang, "err."+ve.Code, "")
	}
	if msg == "" {
		return err
	}
	// Key and Args stay, so that httpapi's translation, when the web
	// chain adds one, finds the same text.
	return &valid.Error{Field: ve.Field, Code: ve.Code, Key: key, Args: args, Msg: msg}
}
