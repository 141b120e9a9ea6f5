package openai

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// fanOut runs job(ctx, i) for every i in [0, n) on at most workers
// goroutines. Once ctx ends it hands out no more work and returns the indices
// it never handed out, so the caller can report them failed. Workers claim
// indices from a shared counter rather than a channel: no feeder goroutine to
// wake per item, which at loopback speed is a measurable share of the work.
func fanOut(ctx context.Context, n, workers int, job func(ctx context.Context, i int)) (skipped []int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(ctx, i)
			}
		})
	}
	wg.Wait()
	for i := int(min(next.Load(), int64(n))); i < n; i++ {
		skipped = append(skipped, i)
	}
	return skipped
}

// emitter hands results to the caller's emit function one at a time, so emit
// need not be safe for concurrent use. When emit fails, the run is cancelled
// and nothing more is sent.
type emitter[T any] struct {
	mu     sync.Mutex
	fn     func(T) error
	err    error
	cancel context.CancelCauseFunc
}

func (e *emitter[T]) send(v T) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return
	}
	if err := e.fn(v); err != nil {
		e.err = fmt.Errorf("emit: %w", err)
		e.cancel(e.err)
	}
}

// firstError keeps the first error set from any goroutine.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
