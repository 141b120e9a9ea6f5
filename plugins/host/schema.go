package host

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/vlmlab/harness/plugins/sdk"
)

// SchemaProblem is one place where a config block breaks its plugin's schema.
type SchemaProblem struct {
	// Path is the location in the config block, one element per object key
	// or list index (empty for the block itself). A caller that parsed the
	// block from YAML maps it to file:line:column.
	Path []string
	// Message says what is wrong there, e.g. "got string, want integer".
	Message string
}

// SchemaError is a config block that does not match its plugin's JSON Schema.
type SchemaError struct {
	Problems []SchemaProblem
}

func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = "at " + pointer(p.Path) + ": " + p.Message
	}
	return strings.Join(parts, "; ")
}

// Is makes a SchemaError an sdk.ErrInvalid: the user's config is wrong.
func (e *SchemaError) Is(target error) bool { return target == sdk.ErrInvalid }

func pointer(path []string) string {
	if len(path) == 0 {
		return "the top level"
	}
	return strings.Join(path, ".")
}

var printer = message.NewPrinter(language.English)

// noLoader refuses every $ref to an outside resource: a plugin's schema must
// be self-contained, and validating a config never reads a file or the net.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema refers to %s; a plugin's config schema must be self-contained", url)
}

const schemaURL = "plugin-config-schema.json"

// compileSchema compiles a plugin's declared config schema (draft 2020-12
// unless it says otherwise). An empty schema accepts anything.
func compileSchema(text string) (*jsonschema.Schema, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
}

// validateAgainst checks a config block (JSON; empty means none) against a
// compiled schema. No config block is validated as an empty object, so a
// schema with required keys catches a missing block.
func validateAgainst(s *jsonschema.Schema, configJSON []byte) error {
	if s == nil {
		return nil
	}
	raw := bytes.TrimSpace(configJSON)
	if len(raw) == 0 || string(raw) == "null" {
		raw = []byte("{}")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("config block is not JSON: %v", err)
	}
	err = s.Validate(inst)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	se := &SchemaError{}
	collect(ve, &se.Problems)
	sort.SliceStable(se.Problems, func(i, j int) bool {
		return strings.Join(se.Problems[i].Path, "\x00") < strings.Join(se.Problems[j].Path, "\x00")
	})
	if len(se.Problems) == 0 {
		se.Problems = []SchemaProblem{{Message: ve.ErrorKind.LocalizedString(printer)}}
	}
	return se
}

// collect keeps the leaves of the error tree: "allOf failed" says less than
// the keyword that failed under it.
func collect(e *jsonschema.ValidationError, out *[]SchemaProblem) {
	if len(e.Causes) == 0 {
		*out = append(*out, SchemaProblem{Path: append([]string(nil), e.InstanceLocation...), Message: e.ErrorKind.LocalizedString(printer)})
		return
	}
	for _, c := range e.Causes {
		collect(c, out)
	}
}
