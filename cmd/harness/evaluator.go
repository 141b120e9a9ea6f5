package main

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// openEvaluator starts the evaluator plugin named plugin and opens the data of
// benchmark with it:
// what `harness score` and the leaderboard's scorer both do, so a
// re-scored submission is scored exactly as `harness score` scores it.
func openEvaluator(ctx context.Context, h *host.Host, cat *catalog.Catalog, plugin, benchmark string, req sdk.LoadRequest) (*host.Plugin, *sdk.RemoteDataset, error) {
	e, ok := cat.Get(plugin)
	if !ok || e.Kind != sdk.KindEvaluator {
		if plugin == benchmark {
			return nil, nil, fmt.Errorf("--benchmark %q: no evaluator plugin of that name; `harness plugins` lists them", benchmark)
		}
		return nil, nil, fmt.Errorf("benchmark %s: no evaluator plugin %q; `harness plugins` lists them", benchmark, plugin)
	}
	p, err := h.Launch(ctx, e.Spec)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Configure(ctx, e.Config); err != nil {
		p.Kill()
		return nil, nil, err
	}
	ds, err := p.Evaluator().Open(ctx, benchmark, req)
	if err != nil {
		p.Kill()
		return nil, nil, err
	}
	return p, ds, nil
}
