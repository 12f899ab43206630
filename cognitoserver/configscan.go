package cognitoserver

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// scanPositions walks a JSON document of type root and returns the byte
// offset of every member and array element, by path ("Pools[0].Clients[1]
// .ClientId"). It reports syntax errors and members that root has no field
// for as *ConfigError values with a line and column.
func scanPositions(data []byte, root reflect.Type) (map[string]int64, error) {
	w := &posWalker{data: data, dec: json.NewDecoder(bytes.NewReader(data)), pos: map[string]int64{}}
	w.dec.UseNumber()
	if err := w.value(root, ""); err != nil {
		return nil, err
	}
	off := w.next()
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		l, c := lineCol(data, off)
		return nil, &ConfigError{Line: l, Col: c, Err: errors.New("more than one JSON value")}
	}
	return w.pos, nil
}

type posWalker struct {
	data []byte
	dec  *json.Decoder
	pos  map[string]int64
}

// next is the offset of the next token.
func (w *posWalker) next() int64 {
	off := w.dec.InputOffset()
	for off < int64(len(w.data)) && strings.IndexByte(" \t\r\n,:", w.data[off]) >= 0 {
		off++
	}
	return off
}

func (w *posWalker) syntax(err error, off int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
		err = errors.New(strings.TrimPrefix(se.Error(), "json: "))
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		off = int64(len(w.data))
		err = errors.New("unexpected end of the file")
	}
	l, c := lineCol(w.data, off)
	return &ConfigError{Line: l, Col: c, Err: err}
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value walks one value whose Go type is t (nil: anything).
func (w *posWalker) value(t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) ||
		t.Kind() == reflect.Interface) {
		t = nil // its own syntax: only walked for well-formedness
	}
	start := w.next()
	if path != "" {
		w.pos[path] = start
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(err, start)
	}
	switch tok {
	case json.Delim('{'):
		for w.dec.More() {
			keyOff := w.next()
			k, err := w.dec.Token()
			if err != nil {
				return w.syntax(err, keyOff)
			}
			key, _ := k.(string)
			var ft reflect.Type
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			switch {
			case t == nil:
			case t.Kind() == reflect.Struct:
				f, ok := jsonField(t, key)
				if !ok {
					l, c := lineCol(w.data, keyOff)
					return &ConfigError{Line: l, Col: c, Path: path, Err: fmt.Errorf("unknown member %q%s", key, suggest(t, key))}
				}
				ft, sub = f.Type, joinPath(path, f.Name)
			case t.Kind() == reflect.Map:
				ft = t.Elem()
			}
			if _, ok := w.pos[sub]; !ok || t == nil || t.Kind() != reflect.Struct {
				w.pos[sub] = keyOff
			}
			if err := w.valueAt(ft, sub); err != nil {
				return err
			}
		}
		if _, err := w.dec.Token(); err != nil {
			return w.syntax(err, w.next())
		}
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(et, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		if _, err := w.dec.Token(); err != nil {
			return w.syntax(err, w.next())
		}
	}
	return nil
}

// valueAt walks a member's value, keeping the member's own position (the
// key) under its path.
func (w *posWalker) valueAt(t reflect.Type, path string) error {
	keep := w.pos[path]
	err := w.value(t, path)
	w.pos[path] = keep
	return err
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonField finds the field of struct t that encoding/json would fill
// from key (an exact name first, then case-insensitively), looking into
// embedded structs as encoding/json does.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold *reflect.StructField
	var walk func(t reflect.Type) (reflect.StructField, bool)
	walk = func(t reflect.Type) (reflect.StructField, bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if sf, ok := walk(ft); ok {
						return sf, true
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if name == key {
				f.Name = name
				return f, true
			}
			if fold == nil && strings.EqualFold(name, key) {
				g := f
				g.Name = name
				fold = &g
			}
		}
		return reflect.StructField{}, false
	}
	if f, ok := walk(t); ok {
		return f, true
	}
	if fold != nil {
		return *fold, true
	}
	return reflect.StructField{}, false
}

// suggest names a member of t that differs from key only in case or by
// one letter, as a hint.
func suggest(t reflect.Type, key string) string {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			names = append(names, name)
		}
	}
	walk(t)
	for _, n := range names {
		if closeTo(strings.ToLower(n), strings.ToLower(key)) {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return ""
}

// closeTo reports whether a and b are at most one edit (or one swap of
// neighbours) apart.
func closeTo(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		swapped := i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		return swapped || a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// lineCol turns a byte offset into a 1-based line and column (in
// characters).
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col = len([]rune(string(before[lineStart:]))) + 1
	return line, col
}
