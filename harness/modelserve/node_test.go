package modelserve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/harness/modelserve"
)

// nodeClient is the folder with the pinned openai npm package (npm ci).
const nodeClient = "testdata/nodeclient"

// skipOrFail skips outside CI and fails under CI, where .ci/run installs
// node's openai package.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+" (CI must provide it: .ci/run runs npm ci in "+nodeClient+")", args...)
	}
	t.Skipf(format+"; skipping (run npm ci in harness/modelserve/"+nodeClient+")", args...)
}

func TestOpenAINodeSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed")
	}
	if _, err := os.Stat(filepath.Join(nodeClient, "node_modules", "openai", "package.json")); err != nil {
		skipOrFail(t, "the openai npm package is not installed in %s", nodeClient)
	}
	s := serve(t, modelserve.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "script.mjs", s.URL, pngDataURL(t, 16, 8))
	cmd.Dir = nodeClient
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node script.mjs: %v\n%s\n%s", err, out, stderr.String())
	}
	got := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		name, _ := line["case"].(string)
		delete(line, "case")
		got[name] = line
	}
	usage := func(prompt, completion int) map[string]any {
		return map[string]any{"prompt_tokens": float64(prompt), "completion_tokens": float64(completion), "total_tokens": float64(prompt + completion)}
	}
	want := map[string]map[string]any{
		"models": {"ids": []any{"test-model"}},
		"text":   {"content": "system: be brief | How many squares? | sample 0", "finish": "stop", "usage": usage(7, 10)},
		"image":  {"content": "image 16x8 image/png | Count the squares. | sample 0"},
		"n": {"choices": []any{
			map[string]any{"index": 0.0, "content": "count | sample 0", "finish": "length"},
			map[string]any{"index": 1.0, "content": "count | sample 1", "finish": "length"},
			map[string]any{"index": 2.0, "content": "count | sample 2", "finish": "length"},
		}},
		"stream": {"chunks": 6.0, "content": []any{"stream me | sample 0", "stream me | sample 1"}, "finish": []any{"stop", "stop"}, "usage": usage(2, 10)},
		"bad": {"status": 400.0, "message": "image does not decode (image: unknown format); send a PNG, JPEG, GIF or WebP",
			"param": "messages[0].content[0].image_url", "type": "invalid_request_error"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("node client (-want +got):\n%s\nstderr: %s", diff, stderr.String())
	}
}
