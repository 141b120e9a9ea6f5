package evaluate_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/mathvista"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// This file measures what the issue "memory stays flat: under 200 MB
// resident while evaluating all 12,026 items with images" asks for: six
// VLMEvalKit TSVs with the real item counts and base64 images of realistic
// size, loaded by the six evaluators, answered through the OpenAI client
// against a loopback server at the paper's max_pixels, and scored.

// tsvBench is one benchmark of the fixture: its TSV file, item count,
// columns and a synthetic row the evaluator's TSV loader accepts.
type tsvBench struct {
	name   string
	file   string
	count  int
	header []string
	row    func(i int) []string // cells after index and image
	bench  sdk.Benchmark
}

// leaderboardTSVs are the six benchmarks with the item counts of the files
// the leaderboard scores (12,026 items in all).
func leaderboardTSVs() []tsvBench {
	return []tsvBench{
		{
			name: "mathvista", file: "MathVista_MINI.tsv", count: mathvista.Items, bench: mathvista.New(),
			header: []string{"question", "answer", "answer_option", "choices", "question_type", "answer_type", "task", "skills"},
			row: func(i int) []string {
				if i%2 == 0 {
					return []string{
						"Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Which bar is the tallest?\nChoices:\n(A) red\n(B) blue\n(C) green",
						"blue", "B", "['red', 'blue', 'green']", "multi_choice", "text", "figure question answering", "['statistical reasoning']",
					}
				}
				return []string{
					"Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nQuestion: How many cubes are left?",
					strconv.Itoa(i % 17), "", "", "free_form", "integer", "math word problem", "['arithmetic reasoning']",
				}
			},
		},
		{
			name: "mathvision", file: "MathVision.tsv", count: mathvision.Items, bench: mathvision.New(),
			header: []string{"question", "answer", "choices", "category"},
			row: func(i int) []string {
				if i%2 == 0 {
					return []string{"Which of the shapes can be cut out of the square?\nChoices:\n(A) 3\n(B) 4\n(C) 5\n(D) 6\n(E) 7", "C", "['3', '4', '5', '6', '7']", "combinatorial geometry"}
				}
				return []string{"How many triangles are in the picture?", strconv.Itoa(i % 23), "[]", "counting"}
			},
		},
		{
			name: "mathverse", file: "MathVerse_MINIVOnly.tsv", count: mathverse.Items, bench: mathverse.New(),
			header: []string{"question", "answer", "question_for_eval", "metadata", "problem_version"},
			row: func(i int) []string {
				return []string{
					"According to the question shown in the image, please directly answer the question and provide the correct option letter, e.g., A, B, C, D.",
					"B", "As shown in the figure, find angle CED.\nChoices:\nA:40°\nB:60°\nC:120°\nD:140°",
					"{'split': 'testmini', 'source': 'GeoQA', 'subject': 'Plane Geometry', 'subfield': 'Angle'}", "Vision Only",
				}
			},
		},
		{
			name: "dynamath", file: "DynaMath.tsv", count: dynamath.Items, bench: dynamath.New(),
			header: []string{"question", "answer", "answer_type", "subject", "knowledge_level", "qid", "varid"},
			row: func(i int) []string {
				// Row i is variant i/501+1 of seed i%501+1, so a varid 1
				// row's index (i+1) is its qid, as VLMEvalKit needs.
				qid, varid := i%dynamath.Seeds+1, i/dynamath.Seeds+1
				ids := []string{strconv.Itoa(qid), strconv.Itoa(varid)}
				if qid%2 == 0 {
					return append([]string{"What is the period of this function? Answer the question with a floating-point number.", "3.1416", "float", "analytic geometry", "high school"}, ids...)
				}
				return append([]string{"Is the red line above the blue one? Choices: (A) yes (B) no", "A", "multiple choice", "graph theory", "elementary school"}, ids...)
			},
		},
		{
			name: "wemath", file: "WeMath.tsv", count: wemath.Items, bench: wemath.New(),
			header: []string{"question", "hint", "A", "B", "C", "D", "E", "answer", "ID", "key", "knowledge concept"},
			row: func(i int) []string {
				// Groups of three: both steps, then the composite problem.
				group := fmt.Sprintf("2steps_%d", i/3+1)
				role := [...]string{"2steps_1", "2steps_2", "2steps_multi"}[i%3]
				return []string{"How long is side AB? ( ) cm", "", "3 cm", "4 cm", "5 cm", "6 cm", "No correct answer", "C", group, role, "Length Units"}
			},
		},
		{
			name: "logicvista", file: "LogicVista.tsv", count: logicvista.Items, bench: logicvista.New(),
			header: []string{"question", "answer", "skill"},
			row: func(i int) []string {
				return []string{"Which figure comes next in the sequence? Select from A-D", string(rune('A' + i%4)), "['inductive']"}
			},
		},
	}
}

// pooledImage is an encoded image rows draw from.
type pooledImage struct {
	b64    string
	size   int
	scaled bool // larger than the paper's max_pixels: the host scales it
}

// imageSpec is one image of the pool: its size, format and the encoded size
// aimed at (0: whatever the content gives).
type imageSpec struct {
	w, h   int
	jpeg   bool
	target int
}

// realisticPool is a mix like the benchmarks': small diagrams, images at
// the paper's 256·32·32-pixel budget, and photos and charts above it that
// the host scales down, 60–150 KB each.
func realisticPool() []imageSpec {
	var specs []imageSpec
	for i := range 24 {
		target := 60_000 + (i*37_000)%90_000
		switch i % 10 {
		case 0, 1, 2:
			specs = append(specs, imageSpec{w: 360 + 8*i, h: 300, target: target})
		case 3, 4:
			specs = append(specs, imageSpec{w: 512, h: 512, target: target})
		case 5, 6, 7:
			specs = append(specs, imageSpec{w: 800, h: 600, jpeg: true, target: target})
		case 8:
			specs = append(specs, imageSpec{w: 1280, h: 960, jpeg: true, target: target})
		default:
			specs = append(specs, imageSpec{w: 960, h: 720, target: target})
		}
	}
	return specs
}

// makePool encodes the images: a gradient with blocks (what charts and
// diagrams compress like) plus noise whose strength is bisected until the
// encoded size is near the target.
func makePool(tb testing.TB, specs []imageSpec) []pooledImage {
	tb.Helper()
	pool := make([]pooledImage, len(specs))
	for i, s := range specs {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		lo, hi := 1.0, 256.0
		amp := 16.0
		data := encodeNoise(tb, s, amp, rng)
		for try := 0; s.target > 0 && try < 10; try++ {
			ratio := float64(len(data)) / float64(s.target)
			if ratio > 0.9 && ratio < 1.1 {
				break
			}
			if ratio > 1 {
				hi = amp
			} else {
				lo = amp
			}
			amp = math.Sqrt(lo * hi)
			data = encodeNoise(tb, s, amp, rng)
		}
		pool[i] = pooledImage{b64: base64.StdEncoding.EncodeToString(data), size: len(data), scaled: s.w*s.h > openai.PaperMaxPixels}
	}
	return pool
}

func encodeNoise(tb testing.TB, s imageSpec, amp float64, rng *rand.Rand) []byte {
	img := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			base := 40 + 160*x/s.w
			if (x/64+y/48)%3 == 0 {
				base = 230
			}
			n := int(amp * (rng.Float64() - 0.5))
			c := uint8(min(255, max(0, base+n)))
			img.SetRGBA(x, y, color.RGBA{c, uint8(min(255, max(0, 255-base+n))), uint8(y * 255 / s.h), 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if s.jpeg {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fixture is a folder of six TSVs.
type fixture struct {
	dir     string
	benches []tsvBench
	partial bool // counts below the benchmarks' own
	bytes   int64
}

func (f fixture) path(b tsvBench) string { return filepath.Join(f.dir, b.file) }

// writeFixture writes each benchmark's TSV (pandas' layout: tab separated,
// fields quoted where needed) with count rows, row i using image i of the
// pool in turn. count < 0 keeps each benchmark's real count.
func writeFixture(tb testing.TB, dir string, count int, pool []pooledImage) fixture {
	tb.Helper()
	fx := fixture{dir: dir, benches: leaderboardTSVs(), partial: count >= 0}
	for bi := range fx.benches {
		b := &fx.benches[bi]
		if count >= 0 {
			b.count = count
		}
		f, err := os.Create(fx.path(*b))
		if err != nil {
			tb.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		w := csv.NewWriter(bw)
		w.Comma = '\t'
		must(tb, w.Write(append([]string{"index", "image"}, b.header...)))
		for i := range b.count {
			// Indexes as the TSVs have them: DynaMath and the others count
			// from 1, LogicVista from 0.
			index := strconv.Itoa(i + 1)
			if b.name == "logicvista" {
				index = strconv.Itoa(i)
			}
			img := pool[(i+bi)%len(pool)].b64
			must(tb, w.Write(append([]string{index, img}, b.row(i)...)))
		}
		w.Flush()
		must(tb, w.Error())
		must(tb, bw.Flush())
		st, err := f.Stat()
		must(tb, err)
		fx.bytes += st.Size()
		must(tb, f.Close())
	}
	return fx
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// inlineItems is the path before images were spilled: the whole TSV read
// into memory, every image decoded into Image.Data and held by its item.
func inlineItems(path string, items []sdk.Item) ([]sdk.Item, error) {
	rows, err := bench.ReadTSV(path, "index", "image")
	if err != nil {
		return nil, err
	}
	byIndex := make(map[string][]sdk.Part, len(rows))
	for _, r := range rows {
		parts, err := bench.TSVImages(path, r.Line, r.Get("image"))
		if err != nil {
			return nil, err
		}
		byIndex[strings.TrimSpace(r.Get("index"))] = parts
	}
	out := make([]sdk.Item, len(items))
	for i, it := range items {
		inline := byIndex[it.ID]
		prompt := make([]sdk.Part, 0, len(it.Prompt))
		for _, p := range it.Prompt {
			if p.Image != nil {
				if len(inline) == 0 {
					return nil, fmt.Errorf("item %s: more image parts than the TSV row has", it.ID)
				}
				p, inline = inline[0], inline[1:]
			}
			prompt = append(prompt, p)
		}
		out[i] = sdk.Item{ID: it.ID, Prompt: prompt, Meta: it.Meta}
	}
	return out, nil
}

// runTimes is where the time of one evaluation of every benchmark went.
type runTimes struct {
	load, respond, score time.Duration
	items                int
}

// evaluateAll evaluates every benchmark in turn, as a suite run does: load,
// answer every item, score, and drop the dataset before the next.
func evaluateAll(ctx context.Context, fx fixture, client *openai.Client, inline bool) (runTimes, error) {
	var t runTimes
	for _, b := range fx.benches {
		start := time.Now()
		ds, err := b.bench.Load(ctx, sdk.LoadRequest{Path: fx.path(b), AllowPartial: fx.partial})
		if err != nil {
			return t, err
		}
		items := ds.Items()
		if inline {
			if items, err = inlineItems(fx.path(b), items); err != nil {
				return t, err
			}
		}
		t.load += time.Since(start)

		start = time.Now()
		responses, err := evaluate.Respond(ctx, items, client, evaluate.Options{Params: sdk.GenerateParams{MaxTokens: openai.PaperMaxTokens}})
		if err != nil {
			return t, fmt.Errorf("%s: %w", b.name, err)
		}
		for _, r := range responses {
			if r.Failed {
				return t, fmt.Errorf("%s: item %s failed: %s", b.name, r.ItemID, r.Error)
			}
		}
		t.respond += time.Since(start)

		start = time.Now()
		rep, err := evaluate.Score(ctx, ds, responses, nil, 0)
		if err != nil {
			return t, fmt.Errorf("%s: %w", b.name, err)
		}
		if rep.Dataset.Count != b.count || len(rep.Items) != b.count {
			return t, fmt.Errorf("%s: report has %d items, want %d", b.name, len(rep.Items), b.count)
		}
		t.score += time.Since(start)
		t.items += len(items)
	}
	return t, nil
}

// memWatch records the peak resident set (VmHWM, reset at the start where
// the kernel allows) and the peak of live heap objects, sampled.
type memWatch struct {
	reset bool // VmHWM was reset: the peak is this run's own
	stop  chan struct{}
	done  sync.WaitGroup
	heap  uint64
}

func watchMemory() *memWatch {
	runtime.GC()
	debug.FreeOSMemory() // hand back what earlier runs left, so it is not counted
	w := &memWatch{stop: make(chan struct{})}
	// "5" resets the peak RSS to the current RSS (Linux >= 4.0).
	w.reset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			w.heap = max(w.heap, sample[0].Value.Uint64())
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// finish returns the peak RSS and peak heap, in bytes.
func (w *memWatch) finish() (rss, heap uint64, err error) {
	close(w.stop)
	w.done.Wait()
	rss, err = procStatus("VmHWM")
	return rss, w.heap, err
}

// procStatus reads a size field of /proc/self/status in bytes.
func procStatus(field string) (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/self/status has no %s", field)
}

// serverEnv marks the child process that serves the loopback endpoint.
const serverEnv = "HARNESS_MEMBENCH_SERVER"

// TestOpenAIServerProcess is not a test: BenchmarkEvaluateAll12026 runs the
// test binary again with serverEnv set to serve openaitest from its own
// process, as a model server is in a real run, so that the benchmark's
// resident set is the harness's alone. It prints the URL and serves until
// its standard input closes.
func TestOpenAIServerProcess(t *testing.T) {
	if os.Getenv(serverEnv) != "1" {
		t.Skip("helper process of BenchmarkEvaluateAll12026")
	}
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	fmt.Println("URL " + srv.URL())
	io.Copy(io.Discard, os.Stdin)
}

// startServer starts TestOpenAIServerProcess and returns its URL.
func startServer(tb testing.TB) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenAIServerProcess$")
	cmd.Env = append(os.Environ(), serverEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	must(tb, err)
	stdout, err := cmd.StdoutPipe()
	must(tb, err)
	must(tb, cmd.Start())
	drained := make(chan struct{})
	tb.Cleanup(func() {
		stdin.Close() // the child serves until this
		<-drained
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			go func() {
				defer close(drained)
				io.Copy(io.Discard, stdout)
			}()
			return url
		}
	}
	close(drained)
	tb.Fatalf("the server process ended without a URL: %v", sc.Err())
	return ""
}

func newClient(tb testing.TB, url string) *openai.Client {
	tb.Helper()
	c, err := openai.New(openai.Config{
		BaseURL: url, Model: "qwen2.5-vl-3b", MaxPixels: openai.PaperMaxPixels,
		Getenv: func(string) string { return "" },
	})
	must(tb, err)
	tb.Cleanup(c.Close)
	return c
}

// BenchmarkEvaluateAll12026 evaluates the six benchmarks' 12,026 items
// (with images) twice in one process: "spill" is the current path (images
// spilled to files, items carry paths), "inline" the previous one (the TSV
// read whole, every image held in Image.Data). Each reports its peak RSS
// (VmHWM) and the peak of heap objects (live and not yet swept), sampled
// every 5 ms; the target is under 200 MB of RSS for spill.
//
// The model server runs in a child process, as vLLM would, so the figures
// are the harness's own. The fixture is about 1.65 GB of TSVs plus 1.3 GB of
// spilled images under a temporary folder; a run takes 10–15 minutes on two
// cores. Run it alone:
//
//	go test ./harness/evaluate -run '^$' -bench EvaluateAll12026 -benchtime 1x
func BenchmarkEvaluateAll12026(b *testing.B) {
	if testing.Short() {
		b.Skip("writes 3 GB of fixture data and runs for minutes; not in -short")
	}
	start := time.Now()
	pool := makePool(b, realisticPool())
	fx := writeFixture(b, b.TempDir(), -1, pool)
	var poolBytes, scaled int
	for _, p := range pool {
		poolBytes += p.size
		if p.scaled {
			scaled++
		}
	}
	b.Logf("fixture: 6 TSVs, %.0f MB, images %d–%d KB (mean %d KB, %d of %d pool images above max_pixels), written in %s",
		float64(fx.bytes)/1e6, minSize(pool)/1000, maxSize(pool)/1000, poolBytes/len(pool)/1000, scaled, len(pool), time.Since(start).Round(time.Millisecond))

	url := startServer(b)
	for _, mode := range []struct {
		name   string
		inline bool
	}{{"spill", false}, {"inline", true}} {
		b.Run(mode.name, func(b *testing.B) {
			client := newClient(b, url)
			w := watchMemory()
			var times runTimes
			for i := 0; i < b.N; i++ {
				t, err := evaluateAll(context.Background(), fx, client, mode.inline)
				if err != nil {
					w.finish()
					b.Fatal(err)
				}
				times.load += t.load
				times.respond += t.respond
				times.score += t.score
				times.items += t.items
			}
			b.StopTimer()
			rss, heap, err := w.finish()
			if err != nil {
				b.Fatal(err)
			}
			n := float64(b.N)
			b.ReportMetric(float64(rss)/1e6, "peak-RSS-MB")
			b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
			b.ReportMetric(times.load.Seconds()/n, "load-s")
			b.ReportMetric(times.respond.Seconds()/n, "respond-s")
			b.ReportMetric(float64(times.items)/n, "items")
			note := ""
			if !mode.inline {
				note = "; target < 200 MB: met"
				if rss >= 200e6 {
					note = "; target < 200 MB: NOT met"
				}
			}
			if !w.reset {
				note += " (VmHWM could not be reset: the peak includes the fixture generation)"
			}
			b.Logf("%s: %d items, peak RSS %.0f MB, peak heap %.0f MB, load %s, respond %s, score %s%s",
				mode.name, times.items/b.N, float64(rss)/1e6, float64(heap)/1e6,
				(times.load / time.Duration(b.N)).Round(time.Millisecond), (times.respond / time.Duration(b.N)).Round(time.Millisecond),
				(times.score / time.Duration(b.N)).Round(time.Millisecond), note)
		})
	}
}

func minSize(pool []pooledImage) int {
	m := pool[0].size
	for _, p := range pool {
		m = min(m, p.size)
	}
	return m
}

func maxSize(pool []pooledImage) int {
	m := 0
	for _, p := range pool {
		m = max(m, p.size)
	}
	return m
}

// TestTSVImagesSpilled loads a small fixture through the six evaluators:
// every image an item points at is byte for byte the TSV's base64 content,
// a second load reuses the files, and the items evaluate end to end.
func TestTSVImagesSpilled(t *testing.T) {
	pool := makePool(t, []imageSpec{{w: 24, h: 16}, {w: 600, h: 500, jpeg: true}, {w: 20, h: 20}})
	fx := writeFixture(t, t.TempDir(), 4, pool)
	ctx := context.Background()
	for _, b := range fx.benches {
		t.Run(b.name, func(t *testing.T) {
			path := fx.path(b)
			ds, err := b.bench.Load(ctx, sdk.LoadRequest{Path: path, AllowPartial: true})
			must(t, err)
			want, err := inlineItems(path, ds.Items())
			must(t, err)
			files := map[string]os.FileInfo{}
			for i, it := range ds.Items() {
				for j, p := range it.Prompt {
					if p.Image == nil {
						continue
					}
					if len(p.Image.Data) != 0 || !filepath.IsAbs(p.Image.Path) {
						t.Fatalf("item %s part %d: %+v, want an absolute path and no bytes", it.ID, j, p.Image)
					}
					got, err := os.ReadFile(p.Image.Path)
					must(t, err)
					if inline := want[i].Prompt[j].Image; !bytes.Equal(got, inline.Data) || p.Image.MIME != inline.MIME {
						t.Errorf("item %s: %s (%s) differs from the TSV's image (%s)", it.ID, p.Image.Path, p.Image.MIME, inline.MIME)
					}
					st, err := os.Stat(p.Image.Path)
					must(t, err)
					files[p.Image.Path] = st
				}
			}
			if len(files) != b.count {
				t.Errorf("%d image files for %d rows", len(files), b.count)
			}
			if want := filepath.Join(fx.dir, "images", strings.TrimSuffix(b.file, ".tsv")); filepath.Dir(firstKey(files)) != want {
				t.Errorf("images in %s, want %s", filepath.Dir(firstKey(files)), want)
			}

			// A second load writes nothing: every file is the one already there.
			ds2, err := b.bench.Load(ctx, sdk.LoadRequest{Path: path, AllowPartial: true})
			must(t, err)
			for _, it := range ds2.Items() {
				for _, p := range it.Prompt {
					if p.Image == nil {
						continue
					}
					st, err := os.Stat(p.Image.Path)
					must(t, err)
					if prev, ok := files[p.Image.Path]; !ok || !os.SameFile(prev, st) {
						t.Errorf("item %s: %s was written again", it.ID, p.Image.Path)
					}
				}
			}
		})
	}

	// The items go through the client (reading, scaling) and score.
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	times, err := evaluateAll(ctx, fx, newClient(t, srv.URL()), false)
	must(t, err)
	if times.items != 6*4 || srv.Calls() != 6*4 {
		t.Errorf("%d items evaluated in %d calls, want 24", times.items, srv.Calls())
	}
}

func firstKey(m map[string]os.FileInfo) string {
	for k := range m {
		return k
	}
	return ""
}
