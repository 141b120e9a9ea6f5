package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vlmlab/harness/leaderboard/server"
	"github.com/vlmlab/harness/leaderboard/store/storetest"
)

// chromium finds the browser; .ci/run installs Debian's chromium.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run must install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; skipping the browser test (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium that reaches only the test server: no
// sandbox (CI runs as root), no background traffic, a fresh profile.
func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1500, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 30*time.Second)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	return ctx
}

// artifact is where the screenshot goes: $ARTIFACTS when set, else the
// test's artifact directory (kept with go test -artifacts -outputdir DIR).
func artifact(t *testing.T, name string) string {
	dir := os.Getenv("ARTIFACTS")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

type firstRow struct {
	Model   string `json:"model"`
	Rank    string `json:"rank"`
	Average string `json:"average"`
	Visible int    `json:"visible"`
	Others  int    `json:"others"`
}

// readFirst reports the first visible row of the ranking and how many
// visible rows lie outside the <4B bucket.
const readFirst = `(() => {
  const rows = [...document.querySelectorAll('#board tbody tr')].filter(r => !r.hidden);
  const first = rows[0];
  return {model: first.dataset.model, rank: first.querySelector('td.rank').textContent.trim(),
    average: first.querySelector('td.avg').textContent.trim(), visible: rows.length,
    others: rows.filter(r => r.dataset.bucket !== '<4B').length};
})()`

// noScript turns JavaScript off in the tab, as a user who disabled it.
func noScript(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return chromedp.Void{}, err
}

func TestBrowser(t *testing.T) {
	f := start(t, storetest.SQLite, server.Options{})
	t.Run("script", func(t *testing.T) {
		ctx := browser(t)
		err := chromedp.Do(ctx,
			chromedp.Navigate(f.srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#board`)),
			chromedp.Click(chromedp.CSS(`input[name="bucket"][value="<4B"]`)),
			chromedp.Click(chromedp.CSS(`th[data-key="average"] a`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[firstRow](readFirst))
		if err != nil {
			t.Fatal(err)
		}
		if got.Model != "VLAA-Thinker-Qwen2.5VL-3B" || got.Average != "35.4" || got.Rank != "1" || got.Others != 0 || got.Visible < 5 {
			t.Fatalf("after filtering to <4B and sorting by average: %+v", got)
		}
		url, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(url, "bucket=%3C4B") {
			t.Errorf("the filter is not in the address bar: %s", url)
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#board tbody tr:not([hidden]) td.model a`)),
			chromedp.WaitVisible(chromedp.CSS(`dl.facts`)),
		); err != nil {
			t.Fatal(err)
		}
		title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
		if err != nil {
			t.Fatal(err)
		}
		if title != "VLAA-Thinker-Qwen2.5VL-3B" {
			t.Errorf("entry page title %q", title)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatal(err)
		}
		path := artifact(t, "leaderboard-entry.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the entry page: %s", path)
	})
	t.Run("no script", func(t *testing.T) {
		ctx := browser(t)
		err := chromedp.Do(ctx,
			noScript,
			chromedp.Navigate(f.srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#board`)),
			chromedp.Click(chromedp.CSS(`input[name="bucket"][value="<4B"]`)),
			chromedp.Click(chromedp.CSS(`#apply`)),
			chromedp.WaitReady(chromedp.CSS(`form[data-query="bucket=%3C4B"]`)),
			// Sorting by model and then by average goes through the
			// server both times: the links carry the filter along.
			chromedp.Click(chromedp.CSS(`th[data-key="model"] a`)),
			chromedp.WaitReady(chromedp.CSS(`form[data-query="bucket=%3C4B&sort=model"]`)),
			chromedp.Click(chromedp.CSS(`th[data-key="average"] a`)),
			chromedp.WaitReady(chromedp.CSS(`form[data-query="bucket=%3C4B"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		// Evaluate runs through the DevTools protocol, not page script.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[firstRow](readFirst))
		if err != nil {
			t.Fatal(err)
		}
		if got.Model != "VLAA-Thinker-Qwen2.5VL-3B" || got.Average != "35.4" || got.Rank != "1" || got.Others != 0 {
			t.Fatalf("without JavaScript, after filtering to <4B and sorting by average: %+v", got)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`td.model a`)), chromedp.WaitVisible(chromedp.CSS(`dl.facts`))); err != nil {
			t.Fatal(err)
		}
		title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
		if err != nil || title != "VLAA-Thinker-Qwen2.5VL-3B" {
			t.Errorf("entry page title %q, %v", title, err)
		}
	})
}
