package sdk

// Kinds of plugin.
const (
	KindTrainer   = "trainer"
	KindEvaluator = "evaluator"
	KindModel     = "model"
)

// APIVersion is the major version of the harness plugin protocol this SDK speaks
// (the proto package harness.v1).
const APIVersion = 1

// Info is what a plugin says about itself in Describe.
type Info struct {
	Name        string
	Kind        string
	Version     string
	APIVersions []int
	// ConfigSchema is a JSON Schema (as JSON text) of the plugin's config block.
	ConfigSchema string
	Description  string
	// Benchmarks an evaluator plugin serves, or recipes a trainer supports.
	Provides []string
}
