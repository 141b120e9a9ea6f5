package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Decode fills v (a pointer to a struct with json tags) from a config block or
// a stage's params, strictly: an unknown key, a value of the wrong type or
// trailing data is an ErrInvalid error that names the field. Empty input,
// "null" and "{}" leave v as it is, so set defaults before calling:
//
//	p := params{LearningRate: 1e-4, Epochs: 1}
//	if err := sdk.Decode(req.Params, &p); err != nil {
//		return nil, err
//	}
func Decode(raw []byte, v any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Invalid("%s", describeJSONError(trimmed, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Invalid("unexpected data after the JSON object")
	}
	return nil
}

// describeJSONError rewrites encoding/json's messages into ones that name the
// field the way harness.yaml spells it.
func describeJSONError(raw []byte, err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return fmt.Sprintf("want a JSON %s, got %s", te.Type, te.Value)
		}
		return fmt.Sprintf("field %s: want %s, got %s", field, kindName(te.Type.String()), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + rest + " (check the spelling against the plugin's config schema)"
	}
	return strings.TrimPrefix(msg, "json: ")
}

func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "an integer"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "an object"
	}
	return goType
}
