package openai

import (
	"strings"
	"testing"
)

func TestNewReadsEnvironment(t *testing.T) {
	env := map[string]string{
		"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1/",
		"OPENAI_API_KEY":  "sk-env",
		"JUDGE_BASE_URL":  "https://judge.example/v1",
		"JUDGE_KEY":       "sk-judge",
	}
	getenv := func(k string) string { return env[k] }

	c, err := New(Config{Getenv: getenv, Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if c.endpoint != "http://127.0.0.1:8000/v1/chat/completions" || c.apiKey != "sk-env" {
		t.Errorf("endpoint %q key %q", c.endpoint, c.apiKey)
	}
	if c.cfg.Concurrency != 16 || c.cfg.MaxRetries != 5 || c.cfg.Timeout.Seconds() != 300 || c.cfg.MaxConsecutiveFailures != 20 {
		t.Errorf("defaults: %+v", c.cfg)
	}
	c, _ = New(Config{Getenv: getenv, BaseURLEnv: "JUDGE_BASE_URL", APIKeyEnv: "JUDGE_KEY"})
	if c.endpoint != "https://judge.example/v1/chat/completions" || c.apiKey != "sk-judge" || c.JudgeModel() != DefaultJudgeModel {
		t.Errorf("custom env names: endpoint %q key %q", c.endpoint, c.apiKey)
	}
	c, _ = New(Config{Getenv: func(string) string { return "" }, APIKey: "sk-explicit"})
	if c.endpoint != DefaultBaseURL+"/chat/completions" || c.apiKey != "sk-explicit" {
		t.Errorf("no env: endpoint %q key %q", c.endpoint, c.apiKey)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	none := func(string) string { return "" }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no scheme", Config{BaseURL: "127.0.0.1:8000/v1"}, "base URL"},
		{"ftp", Config{BaseURL: "ftp://x/v1"}, "base URL"},
		{"bad env url", Config{Getenv: func(k string) string { return map[string]string{"OPENAI_BASE_URL": "::"}[k] }}, "$OPENAI_BASE_URL"},
		{"concurrency", Config{Concurrency: -1}, "concurrency"},
		{"rate", Config{RequestsPerSecond: -2}, "requests per second"},
		{"pixels", Config{MaxPixels: -5}, "max pixels"},
	}
	for _, tt := range tests {
		if tt.cfg.Getenv == nil {
			tt.cfg.Getenv = none
		}
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}
