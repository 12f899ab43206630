package directorytest

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// fill sets every exported field reachable from v (a pointer to a struct) to
// a distinct non-zero value derived from seed: strings, numbers, bools,
// times (UTC, with nanoseconds), slices and maps of two elements, pointers.
// The same seed gives the same values. It fails the test on a kind it does
// not know, so a new kind of field in flow's structs is noticed here.
func fill(t testing.TB, v any, seed int) {
	t.Helper()
	n := seed * 1000
	fillValue(t, reflect.ValueOf(v).Elem(), &n, reflect.TypeOf(v).Elem().Name())
}

func fillValue(t testing.TB, v reflect.Value, n *int, path string) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("v%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n % 100))
		if v.Type().Size() == 8 {
			v.SetInt(int64(*n) * 1_000_003) // durations, big numbers
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(*n % 100))
		if v.Type().Size() == 8 {
			v.SetUint(1<<62 + uint64(*n))
		}
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Array:
		for i := range v.Len() {
			fillValue(t, v.Index(i), n, fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillValue(t, s.Index(i), n, fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fillValue(t, k, n, path+"{key}")
			e := reflect.New(v.Type().Elem()).Elem()
			fillValue(t, e, n, fmt.Sprintf("%s{%d}", path, i))
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillValue(t, p.Elem(), n, path)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == timeType {
			tm := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC).Add(time.Duration(*n)*time.Minute + time.Duration(*n*7919))
			v.Set(reflect.ValueOf(tm))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fillValue(t, v.Field(i), n, path+"."+f.Name)
		}
	default:
		t.Fatalf("fill: %s: unsupported kind %s", path, v.Kind())
	}
}

// mutate changes, in place, every value reachable from v (a pointer):
// slice elements and map values are changed where they live, so a copy
// that shares memory with v sees the change.
func mutate(v any) {
	mutateValue(reflect.ValueOf(v).Elem())
}

func mutateValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			mutateValue(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutateValue(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			mutateValue(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				mutateValue(v.Field(i))
			}
		}
	}
}

// zeroFields lists the paths of exported fields of v (a pointer to a
// struct) that are zero, looking inside nested structs.
func zeroFields(v any) []string {
	var out []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		if v.IsZero() {
			out = append(out, path)
			return
		}
		if v.Kind() == reflect.Struct && v.Type() != timeType {
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(v.Field(i), path+"."+f.Name)
				}
			}
		}
	}
	walk(reflect.ValueOf(v).Elem(), reflect.TypeOf(v).Elem().Name())
	return out
}
