package engine

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/reward/adapters"
	"github.com/vlmlab/harness/trainers/reward/remote"
)

// Trainer runs stages on an external engine. The zero value is ready.
type Trainer struct {
	// Logger receives the stage's reward server log (default: discarded).
	Logger *slog.Logger
}

// LogFile is the engine's whole console output, kept in the output folder.
const LogFile = "engine.log"

// tailLines is how much of the engine's output a failure quotes.
const tailLines = 20

// Train runs one stage: the engine's command, then MergeCommand, then finds
// and hashes the checkpoint.
func (t Trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	p, err := parseParams(req.Params)
	if err != nil {
		return nil, err
	}
	if req.OutputDir == "" {
		return nil, sdk.Invalid("no output folder in the train request")
	}
	out, err := filepath.Abs(req.OutputDir)
	if err != nil {
		return nil, sdk.Internal("output folder: %v", err)
	}
	// The engine works in a sibling folder (its sharded weights and
	// optimizer states are many gigabytes and no part of the model); the
	// output folder receives only the Hugging Face model, linked from there.
	work := WorkDir(out)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, sdk.Internal("create the engine's folder: %v", err)
	}
	v := Vars{Stage: req.Stage, Seed: req.Seed, Output: work, Vars: p.Vars}
	switch {
	case req.Base != nil && req.Base.Format != "hf":
		return nil, sdk.Invalid("base checkpoint %s has format %q: an external engine starts from a Hugging Face (hf) checkpoint; give the stage base_model or an hf parent", req.Base.Dir, req.Base.Format)
	case req.Base != nil:
		v.Base = req.Base.Dir
	case p.BaseModel != "":
		v.Base = p.BaseModel
	default:
		return nil, sdk.Invalid("no base model: the stage has no parent checkpoint, so set params.base_model (a Hugging Face id or folder)")
	}
	for _, f := range req.Data {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, sdk.Internal("data file %s: %v", f, err)
		}
		v.DataFiles = append(v.DataFiles, abs)
	}
	v.Data, v.DataList = strings.Join(v.DataFiles, ","), pyList(v.DataFiles)
	if v.RewardDir, err = adapters.Write(filepath.Join(work, "reward_adapters")); err != nil {
		return nil, sdk.Internal("%v", err)
	}
	v.RewardAdapter = adapterPath(v.RewardDir, p.Engine)

	rep := sdk.NewReporter(emit, p.TotalSteps)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	v.RewardURL = p.RewardURL
	if p.RewardAddr != "" {
		stop, url, err := t.serveReward(runCtx, p)
		if err != nil {
			return nil, err
		}
		defer stop()
		if v.RewardURL == "" {
			v.RewardURL = url
		}
		if err := rep.Logf("serving the mixed reward at %s for the stage", url); err != nil {
			return nil, err
		}
	}
	if v.RewardURL == "" {
		v.RewardURL = "http://127.0.0.1:5000/get_reward"
	}

	logFile, err := os.Create(filepath.Join(work, LogFile))
	if err != nil {
		return nil, sdk.Internal("create %s: %v", LogFile, err)
	}
	defer logFile.Close()

	argv, err := expandAll("command", p.Command, v)
	if err != nil {
		return nil, err
	}
	if err := t.runOne(runCtx, "engine", argv, p, v, rep, logFile); err != nil {
		return nil, err
	}
	if len(p.MergeCommand) > 0 {
		step, err := lastStepDir(work)
		if err != nil {
			return nil, err
		}
		v.StepDir = step
		margv, err := expandAll("merge_command", p.MergeCommand, v)
		if err != nil {
			return nil, err
		}
		mp := p
		mp.LogFormat = "none"
		if err := t.runOne(runCtx, "merge command", margv, mp, v, rep, logFile); err != nil {
			return nil, err
		}
	}
	pattern, err := expand("checkpoint", p.Checkpoint, v)
	if err != nil {
		return nil, err
	}
	dir, err := findCheckpoint(pattern)
	if err != nil {
		return nil, err
	}
	if err := rep.Logf("engine checkpoint %s", dir); err != nil {
		return nil, err
	}
	if err := linkTree(dir, out); err != nil {
		return nil, sdk.Internal("copy the checkpoint into %s: %v", out, err)
	}
	return sdk.WriteCheckpoint(out, "hf", req.Base)
}

// WorkDir is the folder an engine works in for a stage whose output folder
// is out: out + ".engine". Vars.Output names it; the engine's log, its
// checkpoints and the reward adapters are there.
func WorkDir(out string) string { return filepath.Clean(out) + ".engine" }

// serveReward starts the mixed reward on p.RewardAddr until the stage ends.
func (t Trainer) serveReward(ctx context.Context, p Params) (func(), string, error) {
	opts := remote.Options{Logger: t.Logger}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if p.RewardDefaultVerifier != "" {
		vt, err := reward.ParseVerifierType(p.RewardDefaultVerifier)
		if err != nil {
			return nil, "", sdk.Invalid("params.reward_default_verifier: %v", err)
		}
		opts.DefaultVerifier = vt
	}
	ln, err := net.Listen("tcp", p.RewardAddr)
	if err != nil {
		return nil, "", sdk.Unavailable("params.reward_addr: %v", err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = remote.ServeListener(sctx, ln, opts)
	}()
	return func() { stop(); <-done }, "http://" + ln.Addr().String() + "/get_reward", nil
}

// runOne runs one command to completion in its own process group, streaming
// its output to logFile and its metrics to rep.
func (t Trainer) runOne(ctx context.Context, what string, argv []string, p Params, v Vars, rep *sdk.Reporter, logFile io.Writer) error {
	env := os.Environ()
	for k, val := range p.Env {
		s, err := expand("env."+k, val, v)
		if err != nil {
			return err
		}
		env = append(env, k+"="+s)
	}
	dir := v.Output
	if p.Dir != "" {
		d, err := expand("dir", p.Dir, v)
		if err != nil {
			return err
		}
		dir = d
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	ownGroup(cmd)

	s := &stream{rep: rep, format: p.LogFormat, log: logFile, activity: make(chan struct{}, 1)}
	cmd.Stdout, cmd.Stderr = s, s
	// A grandchild that left the group may hold the pipes open after the
	// engine exits; stop waiting for it then.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return sdk.Invalid("start %s %q: %v", what, argv[0], err)
	}
	pid := cmd.Process.Pid
	_ = rep.Logf("%s started: pid %d: %s", what, pid, strings.Join(argv, " "))

	var tailDone chan struct{}
	stopTail := make(chan struct{})
	if p.LogFormat == "jsonl" {
		path, err := expand("metrics_file", p.MetricsFile, v)
		if err != nil {
			_ = signalGroup(pid, sigKill)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return err
		}
		tailDone = make(chan struct{})
		go func() { defer close(tailDone); s.tailJSONL(path, stopTail) }()
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()

	var hang <-chan time.Time
	var hangTimer *time.Timer
	if p.hang > 0 {
		hangTimer = time.NewTimer(p.hang)
		defer hangTimer.Stop()
		hang = hangTimer.C
	}
	var err error
loop:
	for {
		select {
		case err = <-waitErr:
			break loop
		case <-s.activity:
			if hangTimer != nil {
				if !hangTimer.Stop() {
					select {
					case <-hangTimer.C:
					default:
					}
				}
				hangTimer.Reset(p.hang)
			}
		case <-hang:
			terminate(cmd.Process, pid, p.grace, waitErr)
			err = sdk.Unavailable("%s (pid %d) printed nothing for %s and was stopped (params.hang_timeout); last output:\n%s", what, pid, p.hang, s.tail())
			break loop
		case <-ctx.Done():
			terminate(cmd.Process, pid, p.grace, waitErr)
			err = ctx.Err()
			break loop
		}
	}
	// Whatever happened, nothing the engine started outlives the stage.
	_ = signalGroup(pid, sigKill)
	close(stopTail)
	if tailDone != nil {
		<-tailDone
	}
	s.flush()
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(err, cerr) {
			return err
		}
		return cerr
	}
	if e := s.emitErr(); e != nil {
		return e
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		return sdk.Internal("%s failed (%s); last output (all of it is in %s):\n%s", what, exit.ProcessState, filepath.Join(v.Output, LogFile), s.tail())
	default:
		return err
	}
}

// terminate stops the engine: SIGTERM to its group and to the process itself
// (in case the group could not be made), then SIGKILL to both once grace has
// passed. It returns once the engine has exited, with Wait's error.
func terminate(proc *os.Process, pid int, grace time.Duration, waitErr <-chan error) error {
	_ = signalGroup(pid, sigTerm)
	_ = proc.Signal(sigTerm)
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	var err error
	select {
	case err = <-waitErr:
		// The leader is gone; its workers get the rest of the grace period.
		for groupAlive(pid) {
			select {
			case <-deadline.C:
				_ = signalGroup(pid, sigKill)
				return err
			case <-time.After(50 * time.Millisecond):
			}
		}
		return err
	case <-deadline.C:
	}
	_ = signalGroup(pid, sigKill)
	_ = proc.Kill()
	return <-waitErr
}

// stream receives the engine's stdout and stderr: it keeps the log file, the
// last lines for error messages, and turns metric lines into Progress.
type stream struct {
	rep      *sdk.Reporter
	format   string
	log      io.Writer
	activity chan struct{}

	mu       sync.Mutex
	partial  []byte
	last     []string
	block    easyr1Block
	lastStep int
	err      error // the first emit error: the host went away
}

// maxLine bounds one buffered line; longer lines are cut.
const maxLine = 1 << 20

func (s *stream) Write(b []byte) (int, error) {
	select {
	case s.activity <- struct{}{}:
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.log.Write(b)
	s.partial = append(s.partial, b...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			if len(s.partial) > maxLine {
				s.lineLocked(string(s.partial[:maxLine]))
				s.partial = s.partial[:0]
			}
			break
		}
		s.lineLocked(strings.TrimRight(string(s.partial[:i]), "\r"))
		s.partial = s.partial[i+1:]
	}
	return len(b), nil
}

func (s *stream) lineLocked(line string) {
	s.last = append(s.last, line)
	if len(s.last) > tailLines {
		s.last = s.last[len(s.last)-tailLines:]
	}
	if m := verlTotal.FindStringSubmatch(line); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		if n > 0 {
			s.rep.SetTotal(n)
		}
	}
	switch s.format {
	case "verl":
		if sm, ok := parseVerlLine(line); ok {
			s.stepLocked(sm)
		}
	case "easyr1":
		if sm, ok := s.block.feed(line); ok {
			s.stepLocked(sm)
		}
	}
}

func (s *stream) stepLocked(sm stepMetrics) {
	if sm.step <= s.lastStep || len(sm.metrics) == 0 || s.err != nil {
		return // each step once, whichever logger repeated it
	}
	s.lastStep = sm.step
	if err := s.rep.Step(sm.step, withCanonical(sm.metrics)); err != nil {
		s.err = err
	}
}

// flush ends a pending EasyR1 block and a last line without a newline.
func (s *stream) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.partial) > 0 {
		s.lineLocked(string(s.partial))
		s.partial = nil
	}
	if sm, ok := s.block.finish(); ok {
		s.stepLocked(sm)
	}
}

func (s *stream) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.last) == 0 {
		return "  (no output)"
	}
	return "  " + strings.Join(s.last, "\n  ")
}

func (s *stream) emitErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// tailJSONL follows a metrics file the engine appends to, until stop.
func (s *stream) tailJSONL(path string, stop <-chan struct{}) {
	var off int64
	var pending []byte
	read := func() {
		f, err := os.Open(path)
		if err != nil {
			return // not written yet
		}
		defer f.Close()
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return
		}
		r := bufio.NewReader(f)
		for {
			chunk, err := r.ReadBytes('\n')
			off += int64(len(chunk))
			pending = append(pending, chunk...)
			if err != nil {
				return // a partial last line waits in pending for the rest
			}
			line := bytes.TrimSpace(pending)
			pending = pending[:0]
			if sm, ok := parseJSONLLine(line); ok {
				select {
				case s.activity <- struct{}{}:
				default:
				}
				s.mu.Lock()
				s.stepLocked(sm)
				s.mu.Unlock()
			}
		}
	}
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			read()
			return
		case <-t.C:
			read()
		}
	}
}
