package mailing

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// decodeVars reads what json.Unmarshal reads, the same way: rows as the
// ledger holds them, odd spellings, and random damage to both.
func TestDecodeVarsAsJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "Иванова", "ППО «Прогресс» <b>&</b>", `"quoted" \ back`, "tab\there", "\u2028", "\xff\xfe", "0001234"}
	pick := func() string { return texts[rnd.IntN(len(texts))] + texts[rnd.IntN(len(texts))] }
	inputs := []string{`{}`, ` { } `, `{"n":"a","n":"b"}`, `{"N":"a"}`, `{"n":null}`, `{"n":1}`, `{"x":{}}`, `{"x":null}`,
		`{"x":{"a":"1"},"x":{"b":"2"}}`, `{"x":{"a":1}}`, `{"q":"1"}`, `{"":"1"}`, `{"n":"a",}`, `{"n":"a"} x`, `{"n":"a"`,
		`{"n":"a` + "\n" + `"}`, "{\n\t\"s\" : \"b\" ,\r\n\"g\":\"c\"}", `null`, `[]`, ``, `{"n":"\u0041"}`, `{"x":{"k":"v"},"c":"7"}`}
	for range 300 {
		v := Vars{Name: pick(), Surname: pick(), GivenName: pick(), Patronymic: pick(), Organisation: pick(),
			Position: pick(), CardNumber: pick(), DiscountCard: pick()}
		if rnd.IntN(2) == 0 {
			v.Custom = map[string]string{pick(): pick(), "stazh": pick()}
		}
		inputs = append(inputs, mustJSON(v))
	}
	for _, in := range inputs[:len(inputs):len(inputs)] {
		for range 20 { // the same row damaged
			b := []byte(in)
			if len(b) == 0 {
				break
			}
			b[rnd.IntN(len(b))] = `{}":, \nxabc"`[rnd.IntN(13)]
			inputs = append(inputs, string(b))
		}
	}
	fast := 0
	for _, in := range inputs {
		var want, got Vars
		werr := json.Unmarshal([]byte(in), &want)
		gerr := decodeVars([]byte(in), &got)
		if (werr == nil) != (gerr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %+v (%v), json.Unmarshal %+v (%v)", in, got, gerr, want, werr)
		}
		var s varsScanner
		s.b = []byte(in)
		var w Vars
		if s.object(w.field(&s)) && s.end() {
			fast++
		}
	}
	if fast < 300 {
		t.Errorf("only %d of %d inputs read without encoding/json", fast, len(inputs))
	}
}

func BenchmarkDecodeVars(b *testing.B) {
	row := []byte(mustJSON(Vars{Name: "Кузнецова Мария Ивановна 1", Organisation: "ППО завода «Прогресс»", CardNumber: "0000001"}))
	b.ReportAllocs()
	for b.Loop() {
		var v Vars
		if err := decodeVars(row, &v); err != nil {
			b.Fatal(err)
		}
	}
}
