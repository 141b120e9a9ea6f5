package cache

import "testing"

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"UCSC-VLAA/VLAA-Thinker-Qwen2.5VL-3B": "UCSC-VLAA_VLAA-Thinker-Qwen2.5VL-3B",
		"../../etc/passwd":                    "etc_passwd",
		"":                                    "model",
		"...":                                 "model",
		"qwen 2.5 vl:3b":                      "qwen_2.5_vl_3b",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
