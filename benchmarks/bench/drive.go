package bench

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/plugins/sdk"
)

// JudgeFunc answers one judge request (in tests: a scripted judge).
type JudgeFunc func(sdk.JudgeRequest) sdk.JudgeAnswer

// MaxRounds bounds scoring rounds; every benchmark needs far fewer.
const MaxRounds = 32

// Drive scores a dataset in-process, answering judge requests with judge
// until the report is ready. The host does the same across the plugin boundary.
func Drive(ctx context.Context, ds sdk.Dataset, responses []sdk.Response, judge JudgeFunc) (*sdk.Report, error) {
	var answers []sdk.JudgeAnswer
	for round := 0; round < MaxRounds; round++ {
		res, err := ds.Score(ctx, responses, answers)
		if err != nil {
			return nil, err
		}
		if res.Report != nil {
			return res.Report, nil
		}
		if judge == nil {
			return nil, fmt.Errorf("round %d: %d judge requests but no judge", round, len(res.Pending))
		}
		for _, q := range res.Pending {
			answers = append(answers, judge(q))
		}
	}
	return nil, fmt.Errorf("no report after %d scoring rounds", MaxRounds)
}
