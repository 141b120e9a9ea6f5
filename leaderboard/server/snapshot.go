package server

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/vlmlab/harness/leaderboard/store"
)

// snapshot holds the Ranking the ranking routes answer from. A write by
// this process (Changed) drops it, so the next request reads the store
// again; past its TTL it is refreshed in the background while requests keep
// using it, so a refresh never stalls them; TTL bounds how long a write by
// another process (a second server on the same PostgreSQL) goes unseen.
type snapshot struct {
	st  store.Store
	ttl time.Duration
	sf  singleflight.Group
	// onSwap runs when a new snapshot replaces the old (drops the
	// rendered pages made from the old one).
	onSwap func()

	mu      sync.RWMutex
	cur     *store.Ranking
	version string // the store's Version when cur was read
	at      time.Time
	// epoch is bumped by invalidate: a load started before it is not
	// installed. gen is bumped by every change of cur: rendered pages
	// carry the gen they were made from.
	epoch, gen uint64
	refreshing bool
}

func (s *snapshot) get(ctx context.Context) (*store.Ranking, uint64, error) {
	s.mu.RLock()
	cur, at, gen := s.cur, s.at, s.gen
	s.mu.RUnlock()
	if cur != nil {
		if s.ttl >= 0 && time.Since(at) > s.ttl {
			s.refreshAsync()
		}
		return cur, gen, nil
	}
	v, err, _ := s.sf.Do("load", func() (any, error) { return s.load(ctx) })
	if err != nil {
		return nil, 0, err
	}
	r := v.(loaded)
	return r.ranking, r.gen, nil
}

type loaded struct {
	ranking *store.Ranking
	gen     uint64
}

func (s *snapshot) load(ctx context.Context) (loaded, error) {
	s.mu.RLock()
	epoch, cur, curVersion := s.epoch, s.cur, s.version
	s.mu.RUnlock()
	// Versions first: a refresh that finds nothing new keeps the
	// snapshot, its sorted orders and the pages made from it.
	version, err := s.st.Version(ctx)
	if err != nil {
		return loaded{}, err
	}
	if cur != nil && version == curVersion {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.epoch == epoch && s.cur == cur {
			s.at = time.Now()
			return loaded{cur, s.gen}, nil
		}
		return loaded{cur, 0}, nil
	}
	rows, err := s.st.Rows(ctx)
	if err != nil {
		return loaded{}, err
	}
	r := store.NewRanking(rows)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.epoch != epoch {
		// Written meanwhile: these rows may predate the write. Serve
		// them to this caller uncached (gen 0 is never a page's).
		return loaded{r, 0}, nil
	}
	s.cur, s.version, s.at = r, version, time.Now()
	s.gen++
	if s.onSwap != nil {
		s.onSwap()
	}
	return loaded{r, s.gen}, nil
}

func (s *snapshot) refreshAsync() {
	s.mu.Lock()
	if s.refreshing {
		s.mu.Unlock()
		return
	}
	s.refreshing = true
	s.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.sf.Do("load", func() (any, error) { return s.load(ctx) })
		s.mu.Lock()
		s.refreshing = false
		s.mu.Unlock()
	}()
}

// invalidate drops the snapshot: the next request loads the store.
func (s *snapshot) invalidate() {
	s.mu.Lock()
	s.cur = nil
	s.epoch++
	s.gen++
	if s.onSwap != nil {
		s.onSwap()
	}
	s.mu.Unlock()
}
