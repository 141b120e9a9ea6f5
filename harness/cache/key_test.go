package cache

import (
	"strings"
	"testing"
)

func TestKeyIsCanonical(t *testing.T) {
	type req struct {
		Model string         `json:"model"`
		Seed  int64          `json:"seed"`
		Extra map[string]any `json:"extra"`
	}
	a, err := Key(req{Model: "m", Seed: 9007199254740993, Extra: map[string]any{"b": 1, "a": "<x>"}})
	if err != nil {
		t.Fatal(err)
	}
	// Same content written as a map in another order gives the same key.
	b, err := Key(map[string]any{"seed": int64(9007199254740993), "extra": map[string]any{"a": "<x>", "b": 1}, "model": "m"})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("same content, different keys: %s vs %s", a, b)
	}
	if !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+64 {
		t.Errorf("key %q is not sha256:<64 hex>", a)
	}
	// A seed one apart must not collide through float64 rounding.
	c, err := Key(req{Model: "m", Seed: 9007199254740992, Extra: map[string]any{"b": 1, "a": "<x>"}})
	if err != nil {
		t.Fatal(err)
	}
	if a == c {
		t.Error("seeds 2^53+1 and 2^53 gave the same key")
	}
}

func TestKeyRejectsUnmarshallable(t *testing.T) {
	if _, err := Key(map[string]any{"f": func() {}}); err == nil {
		t.Fatal("want an error for a value JSON cannot encode")
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b": 1, "a": [2, {"d": 1, "c": 0}]}`, `{"a":[2,{"c":0,"d":1}],"b":1}`},
		{`  "x<y"  `, `"x<y"`},
		{`1.50`, `1.50`},
	}
	for _, tt := range tests {
		got, err := Canonical([]byte(tt.in))
		if err != nil {
			t.Fatalf("Canonical(%s): %v", tt.in, err)
		}
		if string(got) != tt.want {
			t.Errorf("Canonical(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := Canonical([]byte(`{"a":`)); err == nil {
		t.Error("want an error for truncated JSON")
	}
}
