package server

import (
	"sync"
	"time"
)

// cache keeps rendered rankings (the page and the API's JSON) by their
// canonical query. The ranking is the hot path ("the leaderboard is slow"
// is the top complaint about leaderboards) and changes only when an entry
// is written: this process clears the cache on its own writes, and the TTL
// bounds staleness when another process writes to the same PostgreSQL.
type cache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[string]cached
}

type cached struct {
	body    []byte
	ctype   string
	expires time.Time
}

// maxCached bounds memory: filters and pages multiply, most are rare.
const maxCached = 4096

func newCache(ttl time.Duration) *cache { return &cache{ttl: ttl, m: map[string]cached{}} }

func (c *cache) get(key string) (cached, bool) {
	if c.ttl < 0 {
		return cached{}, false
	}
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || time.Now().After(v.expires) {
		return cached{}, false
	}
	return v, true
}

func (c *cache) put(key, ctype string, body []byte) {
	if c.ttl < 0 {
		return
	}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[key] = cached{body: body, ctype: ctype, expires: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

func (c *cache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
