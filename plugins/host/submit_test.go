package host

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// TestResponsesOverMessageLimitReachEvaluator (issue 11 item 6): 100 MB of
// responses (512 items of 200 KB, past the 64 MiB of one gRPC message) reach
// a Go evaluator in a child process and are scored; a single response no
// message can carry fails only its own item, with the reason.
func TestResponsesOverMessageLimitReachEvaluator(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 100 MB through a plugin")
	}
	h := newHost(t)
	p := launch(t, h, "evaluator", sdk.KindEvaluator)
	ev := p.Evaluator()
	ctx := context.Background()
	const n, size = 512, 200 << 10
	ds, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "big", AllowPartial: true, Options: map[string]string{"n": fmt.Sprint(n)}})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close(ctx)
	responses := make([]sdk.Response, n)
	for i := range responses {
		// The id at the end: the echo shows the response arrived whole.
		id := fmt.Sprintf("q%d", i)
		responses[i] = sdk.Response{ItemID: id, Text: strings.Repeat("x", size-len(id)) + id}
	}
	huge := strings.Repeat("y", sdk.MaxMessageBytes+1)
	responses[7].Text = huge
	res, err := ds.Score(ctx, responses, nil)
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	if res.Report == nil || len(res.Report.Items) != n {
		t.Fatalf("no full report: %+v", res)
	}
	for i, it := range res.Report.Items {
		switch {
		case i == 7:
			if it.Hit || len(it.Response) != 0 {
				t.Errorf("the oversized response was scored: hit %v, %d bytes", it.Hit, len(it.Response))
			}
		case it.Response != responses[i].Text:
			t.Errorf("item %s: %d bytes back, want its %d-byte response", it.ID, len(it.Response), size)
		}
	}
}
