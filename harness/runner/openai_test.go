package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The key a served model receives is the one its config names, never
// $OPENAI_API_KEY by default.
func TestOpenAIConfigSendsOnlyTheNamedKey(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-secret")
	t.Setenv("VLLM_KEY", "local-key")
	var mu sync.Mutex
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Get("Authorization")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`))
	}))
	defer srv.Close()
	for _, tc := range []struct{ keyEnv, want string }{
		{"", ""}, {"VLLM_KEY", "Bearer local-key"}, {"OPENAI_API_KEY", "Bearer sk-secret"},
	} {
		c, err := openai.New(OpenAIConfig(config.Model{Name: "m", Backend: "openai", Endpoint: srv.URL + "/v1", Model: "m", APIKeyEnv: tc.keyEnv}))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Generate(context.Background(), []sdk.Prompt{{ID: "1", Parts: []sdk.Part{{Text: "hi"}}}}, sdk.GenerateParams{MaxTokens: 1},
			func(g sdk.Generation) error {
				if g.Error != "" {
					t.Errorf("generation failed: %s", g.Error)
				}
				return nil
			})
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		if got != tc.want {
			t.Errorf("api_key_env %q: server got Authorization %q, want %q", tc.keyEnv, got, tc.want)
		}
		mu.Unlock()
	}
}
