"""Test double: the Python twin of the Go host tests' "echo" benchmark
(plugins/host/testplugin_test.go), so the same checks and the same
benchmark run against both. Options["n"] items of Options["size"] bytes;
response "ok" is a hit, "?" needs the judge, which must answer "yes"."""

import harness_plugin as hp

TEMPERATURES = (0.0, 0.5)


class Echo:
    def describe(self):
        return {"name": "py-evaluator", "version": "0.1.0"}

    def benchmarks(self):
        return [hp.BenchmarkInfo(name="echo", title="Echo test", items=3, primary="Overall acc")]

    def open(self, req):
        n, size = int(req.options.get("n", 3)), int(req.options.get("size", 10))
        if req.path == "missing":
            raise hp.Invalid("open missing: no such file or directory")
        if n != 3 and not req.allow_partial:
            raise hp.Invalid(f"echo: {req.path} has {n} items, the benchmark has 3; pass --allow-partial "
                             "to score a partial file")
        items = [hp.Item(id=f"q{i}", prompt=[hp.Part(text="x" * size)]) for i in range(n)]
        info = hp.DatasetInfo(benchmark="echo", path=req.path, count=n, expected=3, partial=n != 3)
        return hp.Dataset(info=info, items=items, state=req)

    def score(self, ds, responses, answers):
        req = ds.state
        by_id = {r.item_id: r for r in responses}
        got = {a.key: a for a in answers}
        pending, results, hits = [], [], 0
        for it in ds.items:
            r = by_id.get(it.id, hp.Response(item_id=it.id))
            res = hp.ItemResult(id=it.id, response=r.text, extracted=r.text)
            if r.text == "?" and req.judge:
                for attempt, temp in enumerate(TEMPERATURES):
                    key = f"{it.id}/judge/{attempt}"
                    a = got.get(key)
                    if a is None:
                        pending.append(hp.JudgeRequest(key=key, item_id=it.id, stage="judge", attempt=attempt,
                                                       prompt="is it right?", temperature=temp, max_tokens=8))
                        break
                    if a.text in ("yes", "no"):
                        res.path, res.extracted, res.hit = hp.PATH_JUDGE, a.text, a.text == "yes"
                        break
                else:
                    res.path = hp.PATH_UNRESOLVED
            elif r.text == "?":
                res.path = hp.PATH_UNRESOLVED
            else:
                res.hit = r.text == "ok"
            hits += res.hit
            results.append(res)
        if pending:
            return pending
        score = 100.0 * hits / len(ds.items) if ds.items else 0.0
        return hp.Report(benchmark="echo", profile=req.profile, judge=req.judge, dataset=ds.info,
                         primary="Overall acc", score=score, metrics=[hp.Metric("Overall acc", score)],
                         items=results, rule=sum(r.path == hp.PATH_RULE for r in results),
                         judged=sum(r.path == hp.PATH_JUDGE for r in results),
                         unresolved=sum(r.path == hp.PATH_UNRESOLVED for r in results))


if __name__ == "__main__":
    hp.serve(Echo())
