// Package modelenc is the one saved-model format of ltv: a versioned JSON
// envelope around a value's exported fields,
//
//	{"kind": "clv.BGNBD", "version": 1, "unit": "168h0m0s", "params": {...}, "fit": {...}}
//
// "unit" is present when the value has a Period time.Duration field (it is
// written as time.Duration.String and is not repeated in params); "fit" is
// present when a fit report travels with the value. params holds every
// other exported field, in declaration order, under its Go name, with the
// fields of an embedded struct inlined. A float64 that is NaN or ±Inf is
// written as the string "NaN", "+Inf" or "-Inf", so every value
// round-trips exactly (finite ones as JSON numbers, which encoding/json
// writes in the shortest form that reads back to the same bits). A nil
// slice is null, an empty one [].
//
// Decoding is strict: the kind and version must be the expected ones, and
// every key must be known and every field present. Errors are
// *fault.DataError values wrapping fault.ErrInvalid with Row −1 and Field
// the key's path, e.g. "params.Alpha" or "params.Baseline[0].Time[3]".
package modelenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
)

// Kind names one saved type and the version of its format.
type Kind struct {
	Name    string // e.g. "clv.BGNBD"
	Version int    // raise it when the fields change
}

// durationType is the type of the unit field.
var durationType = reflect.TypeFor[time.Duration]()

// unitField is the name of the field written as the envelope's "unit".
const unitField = "Period"

// Marshal returns the envelope of v (a struct) under kind; fit, when not
// nil, is a struct written as the envelope's "fit" object.
func Marshal(kind Kind, v, fit any) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"kind":%q,"version":%d`, kind.Name, kind.Version)
	rv := reflect.ValueOf(v)
	if u, ok := unit(rv); ok {
		fmt.Fprintf(&b, `,"unit":%q`, time.Duration(u.Int()).String())
	}
	b.WriteString(`,"params":`)
	if err := writeStruct(&b, rv); err != nil {
		return nil, err
	}
	if fit != nil {
		b.WriteString(`,"fit":`)
		if err := writeStruct(&b, reflect.ValueOf(fit)); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Unmarshal decodes the envelope data of kind into *v (a pointer to a
// struct) and, when fit is not nil, its "fit" object into *fit, which is
// then required; without fit a "fit" object is an unknown key. fn names
// the caller in errors.
func Unmarshal(fn string, data []byte, kind Kind, v, fit any) error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(data, &env); err != nil {
		return fault.New(fn, -1, "", fault.ErrInvalid, "is not a JSON object: %v", err)
	}
	var name string
	if err := decodeKey(fn, env, "kind", &name); err != nil {
		return err
	}
	if name != kind.Name {
		return fault.New(fn, -1, "kind", fault.ErrInvalid, "is %q, want %q", name, kind.Name)
	}
	var version int
	if err := decodeKey(fn, env, "version", &version); err != nil {
		return err
	}
	if version != kind.Version {
		return fault.New(fn, -1, "version", fault.ErrInvalid, "is %d, this library reads %s version %d", version, kind.Name, kind.Version)
	}
	rv := reflect.ValueOf(v).Elem()
	known := map[string]bool{"kind": true, "version": true, "params": true}
	if u, ok := unit(rv); ok {
		known["unit"] = true
		var s string
		if err := decodeKey(fn, env, "unit", &s); err != nil {
			return err
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fault.New(fn, -1, "unit", fault.ErrInvalid, "is %q, want a duration ≥ 0 such as \"168h0m0s\"", s)
		}
		u.SetInt(int64(d))
	}
	if err := readStruct(fn, "params", env["params"], rv); err != nil {
		return err
	}
	if fit != nil {
		known["fit"] = true
		if err := readStruct(fn, "fit", env["fit"], reflect.ValueOf(fit).Elem()); err != nil {
			return err
		}
	}
	for k := range env {
		if !known[k] {
			return fault.New(fn, -1, k, fault.ErrInvalid, "is an unknown key")
		}
	}
	return nil
}

// decodeKey decodes the required key of env into dst.
func decodeKey(fn string, env map[string]json.RawMessage, key string, dst any) error {
	raw, ok := env[key]
	if !ok {
		return fault.New(fn, -1, key, fault.ErrInvalid, "is missing")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fault.New(fn, -1, key, fault.ErrInvalid, "is %s, want a %T", raw, reflect.ValueOf(dst).Elem().Interface())
	}
	return nil
}

// unit returns the Period field of struct v (through embedded structs),
// if it has one of type time.Duration.
func unit(v reflect.Value) (reflect.Value, bool) {
	f := v.FieldByName(unitField)
	if !f.IsValid() || f.Type() != durationType {
		return reflect.Value{}, false
	}
	return f, true
}

// field is one exported field of a struct, embedded structs inlined.
type field struct {
	name string
	v    reflect.Value
}

// fields returns the exported fields of struct v in declaration order,
// with the fields of embedded structs inlined and the unit field left out.
func fields(v reflect.Value) []field {
	var out []field
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		switch {
		case sf.Anonymous && sf.Type.Kind() == reflect.Struct:
			out = append(out, fields(v.Field(i))...)
		case !sf.IsExported(), sf.Name == unitField && sf.Type == durationType:
		default:
			out = append(out, field{sf.Name, v.Field(i)})
		}
	}
	return out
}

// writeStruct writes struct v as a JSON object of its fields.
func writeStruct(b *bytes.Buffer, v reflect.Value) error {
	b.WriteByte('{')
	for i, f := range fields(v) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%q:", f.name)
		if err := write(b, f.v); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	b.WriteByte('}')
	return nil
}

// write writes v as JSON.
func write(b *bytes.Buffer, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Float64:
		b.WriteString(formatFloat(v.Float()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		s, _ := json.Marshal(v.String())
		b.Write(s)
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := write(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return write(b, v.Elem())
	case reflect.Struct:
		return writeStruct(b, v)
	default:
		return fmt.Errorf("modelenc: cannot encode a %s", v.Type())
	}
	return nil
}

// formatFloat returns x as a JSON number, or as "NaN", "+Inf" or "-Inf".
func formatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return `"NaN"`
	case math.IsInf(x, 1):
		return `"+Inf"`
	case math.IsInf(x, -1):
		return `"-Inf"`
	}
	s, _ := json.Marshal(x)
	return string(s)
}

// readStruct decodes the JSON object raw into struct v: every field must
// be present and every key known. path names raw in errors.
func readStruct(fn, path string, raw json.RawMessage, v reflect.Value) error {
	var obj map[string]json.RawMessage
	if raw == nil || json.Unmarshal(raw, &obj) != nil || obj == nil {
		if raw == nil {
			return fault.New(fn, -1, path, fault.ErrInvalid, "is missing")
		}
		return fault.New(fn, -1, path, fault.ErrInvalid, "is %s, want an object", short(raw))
	}
	fs := fields(v)
	names := make(map[string]bool, len(fs))
	for _, f := range fs {
		names[f.name] = true
		fr, ok := obj[f.name]
		if !ok {
			return fault.New(fn, -1, path+"."+f.name, fault.ErrInvalid, "is missing")
		}
		if err := read(fn, path+"."+f.name, fr, f.v); err != nil {
			return err
		}
	}
	for k := range obj {
		if !names[k] {
			return fault.New(fn, -1, path+"."+k, fault.ErrInvalid, "is an unknown key")
		}
	}
	return nil
}

// read decodes raw into v.
func read(fn, path string, raw json.RawMessage, v reflect.Value) error {
	bad := func(want string) error {
		return fault.New(fn, -1, path, fault.ErrInvalid, "is %s, want %s", short(raw), want)
	}
	null := bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
	switch v.Kind() {
	case reflect.Float64:
		x, ok := parseFloat(raw)
		if !ok {
			return bad(`a number, "NaN", "+Inf" or "-Inf"`)
		}
		v.SetFloat(x)
	case reflect.Int, reflect.Int32, reflect.Int64:
		var n int64
		if json.Unmarshal(raw, &n) != nil || v.OverflowInt(n) {
			return bad("an integer")
		}
		v.SetInt(n)
	case reflect.Bool:
		var x bool
		if null || json.Unmarshal(raw, &x) != nil {
			return bad("true or false")
		}
		v.SetBool(x)
	case reflect.String:
		var s string
		if null || json.Unmarshal(raw, &s) != nil {
			return bad("a string")
		}
		v.SetString(s)
	case reflect.Slice:
		if null {
			v.SetZero()
			return nil
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return bad("an array or null")
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, it := range items {
			if err := read(fn, fmt.Sprintf("%s[%d]", path, i), it, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Pointer:
		if null {
			v.SetZero()
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := read(fn, path, raw, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Struct:
		return readStruct(fn, path, raw, v)
	default:
		return fault.New(fn, -1, path, fault.ErrInvalid, "has type %s, which cannot be decoded", v.Type())
	}
	return nil
}

// parseFloat reads a JSON number or one of the strings of formatFloat.
func parseFloat(raw json.RawMessage) (float64, bool) {
	var x float64
	if err := json.Unmarshal(raw, &x); err == nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return x, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	switch s {
	case "NaN":
		return math.NaN(), true
	case "+Inf":
		return math.Inf(1), true
	case "-Inf":
		return math.Inf(-1), true
	}
	return 0, false
}

// short returns raw for a message, cut to 40 bytes.
func short(raw json.RawMessage) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}

// CheckFinite returns an error naming the first float64 of struct v
// (through slices, pointers and nested structs) that is NaN or ±Inf;
// fn and path name it as Unmarshal does.
func CheckFinite(fn, path string, v any) error {
	return checkFinite(fn, path, reflect.ValueOf(v))
}

func checkFinite(fn, path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Float64:
		if x := v.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
			return fault.New(fn, -1, path, fault.ErrInvalid, "is %v, want a finite number", x)
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := checkFinite(fn, fmt.Sprintf("%s[%d]", path, i), v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return checkFinite(fn, path, v.Elem())
		}
	case reflect.Struct:
		for _, f := range fields(v) {
			if err := checkFinite(fn, path+"."+f.name, f.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckPositive returns an error naming the first float64 field of struct
// v (embedded structs inlined, slices and nested structs not entered)
// that is not > 0; fn and path name it as Unmarshal does.
func CheckPositive(fn, path string, v any) error {
	for _, f := range fields(reflect.ValueOf(v)) {
		if f.v.Kind() == reflect.Float64 && !(f.v.Float() > 0) {
			return fault.New(fn, -1, path+"."+f.name, fault.ErrInvalid, "is %v, want a number > 0", f.v.Float())
		}
	}
	return nil
}

// CheckLen returns an error naming path when a slice has n values and not
// want (or, when orNil, neither want nor none).
func CheckLen(fn, path string, n, want int, orNil bool) error {
	if n == want || orNil && n == 0 {
		return nil
	}
	return fault.New(fn, -1, path, fault.ErrInvalid, "has %d values, want %d", n, want)
}

// Column is a slice field's name and length, for CheckLens.
type Column struct {
	Name string
	Len  int
}

// CheckLens applies CheckLen to each column, naming it prefix + Name.
func CheckLens(fn, prefix string, want int, orNil bool, cols ...Column) error {
	for _, c := range cols {
		if err := CheckLen(fn, prefix+c.Name, c.Len, want, orNil); err != nil {
			return err
		}
	}
	return nil
}

// CheckMatrix returns an error naming path when m is not k×k (or, when
// orNil, neither k×k nor nil).
func CheckMatrix(fn, path string, m [][]float64, k int, orNil bool) error {
	if orNil && m == nil {
		return nil
	}
	if err := CheckLen(fn, path, len(m), k, false); err != nil {
		return err
	}
	for i, r := range m {
		if err := CheckLen(fn, fmt.Sprintf("%s[%d]", path, i), len(r), k, false); err != nil {
			return err
		}
	}
	return nil
}
