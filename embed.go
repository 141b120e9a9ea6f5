// Package harness carries the files embedded into the binary: the default
// harness.yaml that `harness run` uses when no config is given.
package harness

import _ "embed"

// DefaultConfig is the committed harness.yaml.
//
//go:embed harness.yaml
var DefaultConfig []byte
