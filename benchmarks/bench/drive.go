package bench

import (
	"context"

	"github.com/vlmlab/harness/plugins/sdk"
)

// JudgeFunc answers one judge request (in tests: a scripted judge).
type JudgeFunc func(sdk.JudgeRequest) sdk.JudgeAnswer

// Drive scores a dataset in-process through the host's scoring loop
// (sdk.ScoreRounds), calling judge from one goroutine at a time so that
// scripted judges need no locking.
func Drive(ctx context.Context, ds sdk.Dataset, responses []sdk.Response, judge JudgeFunc) (*sdk.Report, error) {
	var jf sdk.JudgeFunc
	if judge != nil {
		jf = func(_ context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer { return judge(q) }
	}
	return sdk.ScoreRounds(ctx, ds, responses, jf, sdk.RoundOptions{Concurrency: 1})
}
