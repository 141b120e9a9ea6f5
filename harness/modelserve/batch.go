package modelserve

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
)

var errModelTimeout = errors.New("the model did not answer in time")

// job is one request waiting for its n generations.
type job struct {
	ctx     context.Context
	req     *request
	key     string // requests with the same key can share a Generate call
	id      string // prompt id of a seeded request (content hash); else set per batch
	arrived time.Time

	gens chan sdk.Generation // capacity n: delivering never blocks
	done chan struct{}       // closed by finish

	mu       sync.Mutex
	got      []bool
	received int
	finished bool
	err      error
}

func newJob(ctx context.Context, r *request) *job {
	j := &job{ctx: ctx, req: r, arrived: time.Now(), gens: make(chan sdk.Generation, r.params.N),
		done: make(chan struct{}), got: make([]bool, r.params.N)}
	j.key = batchKey(r)
	if r.seeded {
		j.id = promptHash(r.prompt)
	}
	return j
}

// deliver hands one generation to the job; duplicates and samples out of
// range are dropped. It reports whether the job now has all n.
func (j *job) deliver(g sdk.Generation) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.finished || g.Sample < 0 || g.Sample >= len(j.got) || j.got[g.Sample] {
		return j.received == len(j.got)
	}
	j.got[g.Sample] = true
	j.received++
	j.gens <- g
	return j.received == len(j.got)
}

// settled reports whether the job needs nothing more from the model: it
// has every generation, or it has already failed.
func (j *job) settled() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.finished || j.received == len(j.got)
}

// finish ends the job; err is nil when every generation was delivered.
func (j *job) finish(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.finished {
		return
	}
	if err == nil && j.received < len(j.got) {
		err = fmt.Errorf("the model returned %d of %d generations", j.received, len(j.got))
	}
	j.finished, j.err = true, err
	close(j.done)
}

// batchKey is what requests must share to be generated in one call: the
// Model protocol takes one set of sampling parameters per call.
func batchKey(r *request) string {
	p := r.params
	seed := "random"
	if r.seeded {
		seed = strconv.FormatInt(p.Seed, 10)
	}
	return fmt.Sprintf("%d|%g|%g|%d|%s|%d|%q", p.MaxTokens, p.Temperature, p.TopP, p.TopK, seed, p.N, strings.Join(p.Stop, "\x00"))
}

// promptHash identifies a prompt by its content, so that a seeded request
// gets the same prompt id in every batch: a plugin that seeds each prompt
// from (seed, prompt id, sample) answers it the same whatever its company.
func promptHash(p sdk.Prompt) string {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte(p.System))
	for _, part := range p.Parts {
		if part.Image != nil {
			field([]byte("image:" + part.Image.MIME))
			field(part.Image.Data)
		} else {
			field([]byte("text"))
			field([]byte(part.Text))
		}
	}
	return "p" + hex.EncodeToString(h.Sum(nil)[:12])
}

// batcher collects jobs into Generate calls.
type batcher struct {
	gen         Generator
	maxBatch    int
	window      time.Duration
	maxQueue    int
	timeout     time.Duration
	slots       chan struct{} // Generate calls in flight
	wake        chan struct{}
	stop        chan struct{} // closed: stop taking work
	base        context.Context
	cancelCalls context.CancelFunc

	mu      sync.Mutex
	queue   []*job
	closed  bool
	seq     uint64
	calls   sync.WaitGroup
	stopped chan struct{} // closed when loop returns
	stats   Stats
	// arriving counts requests being read and checked, not yet queued: an
	// idle model waits for them (up to the window), and for nobody else.
	arriving atomic.Int64
}

// Stats count what the batcher did.
type Stats struct {
	Requests int64 // jobs that went to the model
	Calls    int64 // Generate calls, retries of a failed batch included
	MaxBatch int   // most sequences in one call
	Queued   int   // requests waiting for the model now
}

func newBatcher(gen Generator, maxBatch, maxInFlight, maxQueue int, window, timeout time.Duration) *batcher {
	base, cancel := context.WithCancel(context.Background())
	b := &batcher{gen: gen, maxBatch: maxBatch, window: window, maxQueue: maxQueue, timeout: timeout,
		slots: make(chan struct{}, maxInFlight), wake: make(chan struct{}, 1), stop: make(chan struct{}),
		base: base, cancelCalls: cancel, stopped: make(chan struct{})}
	go b.loop()
	return b
}

// submit queues a job; a full queue or a closed batcher refuse it.
func (b *batcher) submit(j *job) *apiError {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errShuttingDown
	}
	if len(b.queue) >= b.maxQueue {
		return errOverloaded
	}
	b.queue = append(b.queue, j)
	select {
	case b.wake <- struct{}{}:
	default:
	}
	return nil
}

// close stops taking jobs, fails those still queued, waits for the calls in
// flight (cancelling them when ctx ends first) and returns.
func (b *batcher) close(ctx context.Context) {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.stop)
	}
	b.mu.Unlock()
	<-b.stopped
	b.mu.Lock()
	q := b.queue
	b.queue = nil
	b.mu.Unlock()
	for _, j := range q {
		j.finish(errShuttingDown)
	}
	done := make(chan struct{})
	go func() { b.calls.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		b.cancelCalls()
		<-done
	}
	b.cancelCalls()
}

func (b *batcher) statsNow() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.stats
	st.Queued = len(b.queue)
	return st
}

func (b *batcher) loop() {
	defer close(b.stopped)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		// Wait for work.
		b.mu.Lock()
		for len(b.queue) == 0 {
			b.mu.Unlock()
			select {
			case <-b.wake:
			case <-b.stop:
				return
			}
			b.mu.Lock()
		}
		// Give the first request's batch until the window closes to fill up.
		head := b.queue[0]
		for b.size(head.key) < b.maxBatch && b.arriving.Load() > 0 {
			wait := time.Until(head.arrived.Add(b.window))
			if wait <= 0 {
				break
			}
			b.mu.Unlock()
			// Since Go 1.23 Reset and Stop leave no stale tick behind.
			timer.Reset(wait)
			select {
			case <-b.wake:
			case <-timer.C:
			case <-b.stop:
				return
			}
			timer.Stop()
			b.mu.Lock()
		}
		b.mu.Unlock()
		// Wait for the model; requests keep queueing meanwhile and join.
		select {
		case b.slots <- struct{}{}:
		case <-b.stop:
			return
		}
		b.mu.Lock()
		batch := b.take(head.key)
		if len(batch) > 0 {
			b.calls.Add(1)
		}
		b.mu.Unlock()
		if len(batch) == 0 {
			<-b.slots
			continue
		}
		go func() {
			defer b.calls.Done()
			defer func() { <-b.slots }()
			b.run(batch)
		}()
	}
}

// size is how many sequences the jobs of key would generate (identical
// seeded prompts count once). Called with mu held.
func (b *batcher) size(key string) int {
	n := 0
	seen := map[string]bool{}
	for _, j := range b.queue {
		if j.key != key {
			continue
		}
		if j.id != "" {
			if seen[j.id] {
				continue
			}
			seen[j.id] = true
		}
		n += j.req.params.N
	}
	return n
}

// take removes the batch of key from the queue, oldest first, at most
// maxBatch sequences (always at least one job). Jobs whose caller has gone
// are dropped. Called with mu held.
func (b *batcher) take(key string) []*job {
	var batch []*job
	n := 0
	seen := map[string]bool{}
	keep := b.queue[:0]
	for _, j := range b.queue {
		if j.key != key {
			keep = append(keep, j)
			continue
		}
		if j.ctx.Err() != nil {
			j.finish(j.ctx.Err())
			continue
		}
		cost := j.req.params.N
		if j.id != "" && seen[j.id] {
			cost = 0
		}
		if len(batch) > 0 && n+cost > b.maxBatch {
			keep = append(keep, j)
			continue
		}
		if j.id != "" {
			seen[j.id] = true
		}
		batch = append(batch, j)
		n += cost
	}
	for i := len(keep); i < len(b.queue); i++ {
		b.queue[i] = nil
	}
	b.queue = keep
	b.stats.Requests += int64(len(batch))
	b.stats.MaxBatch = max(b.stats.MaxBatch, n)
	return batch
}

// run generates a batch. When the model refuses the batch as invalid, it is
// split in halves and each half retried, so that a bad request fails alone
// at the cost of about 2·log2(batch) more calls.
func (b *batcher) run(batch []*job) {
	var open []*job
	for _, j := range batch {
		if !j.settled() {
			open = append(open, j)
		}
	}
	if len(open) == 0 {
		for _, j := range batch {
			j.finish(nil)
		}
		return
	}
	err := b.generate(open)
	if err != nil && len(open) > 1 && invalidClass(err) {
		half := len(open) / 2
		b.run(open[:half])
		b.run(open[half:])
		return
	}
	for _, j := range batch {
		j.finish(err)
	}
}

// generate makes one Generate call for jobs that share a batch key.
func (b *batcher) generate(jobs []*job) error {
	b.mu.Lock()
	b.stats.Calls++
	b.mu.Unlock()
	params := jobs[0].req.params
	if !jobs[0].req.seeded {
		params.Seed = rand.Int64N(1<<62) + 1
	}
	byID := map[string][]*job{}
	var prompts []sdk.Prompt
	for _, j := range jobs {
		id := j.id
		if id == "" {
			b.mu.Lock()
			b.seq++
			id = "r" + strconv.FormatUint(b.seq, 10)
			b.mu.Unlock()
		}
		if _, dup := byID[id]; !dup {
			p := j.req.prompt
			p.ID = id
			prompts = append(prompts, p)
		}
		byID[id] = append(byID[id], j)
	}
	ctx, cancel := context.WithTimeoutCause(b.base, b.timeout, errModelTimeout)
	defer cancel()
	var perPrompt error
	err := b.gen.Generate(ctx, prompts, params, func(g sdk.Generation) error {
		for _, j := range byID[g.PromptID] {
			if g.Error != "" {
				// A plugin's error about one prompt is about that request.
				j.finish(withCode(badRequest("messages", "model: %s", g.Error), "model_error"))
				continue
			}
			j.deliver(g)
		}
		if _, ok := byID[g.PromptID]; !ok && perPrompt == nil {
			perPrompt = fmt.Errorf("the model answered prompt id %q, which it was not asked", g.PromptID)
		}
		return nil
	})
	// The plugin may see the deadline (gRPC carries it) a moment before the
	// timer here fires: a deadline error is the timeout either way.
	if err != nil && (context.Cause(ctx) == errModelTimeout || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("%w (limit %s)", errModelTimeout, b.timeout)
	}
	if err == nil {
		err = perPrompt
	}
	return err
}

var errIncomplete = errors.New("the model returned fewer generations than asked for")
