package wemath

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Node is one leaf of the We-Math knowledge tree
// (knowledge_structure_nodes.json).
type Node struct {
	Domain  string // root2, e.g. "Angles and Length": the per-domain row
	Concept string // last '_'-separated part of "full node": the knowledge concept it matches
}

// LoadKnowledgeNodes reads knowledge_structure_nodes.json: a list of
// {root0 … root4, "full node"} records.
func LoadKnowledgeNodes(path string) ([]Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := listOf("knowledge nodes").ReadArray(path, data)
	if err != nil {
		return nil, err
	}
	nodes := make([]Node, 0, len(entries))
	for i, e := range entries {
		where := fmt.Sprintf("%s: line %d: node %d", path, e.Line, i+1)
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(e.Value, &rec); err != nil {
			return nil, fmt.Errorf("%s: expected an object {root0, …, \"full node\"}", where)
		}
		root2, err := stringField(rec, "root2")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		full, err := stringField(rec, "full node")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if root2 == "" || full == "" {
			return nil, fmt.Errorf("%s: fields root2 and \"full node\" must not be empty", where)
		}
		nodes = append(nodes, Node{Domain: root2, Concept: full[strings.LastIndex(full, "_")+1:]})
	}
	return nodes, nil
}
