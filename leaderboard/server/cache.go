package server

import "sync"

// cache keeps rendered rankings (the page and the API's JSON) by their
// canonical query, for as long as the snapshot they were made from: the
// ranking is the hot path ("the leaderboard is slow to load" is the top
// complaint about leaderboards) and changes only when an entry is written.
type cache struct {
	mu sync.RWMutex
	m  map[string]cached
}

type cached struct {
	body  []byte
	ctype string
	gen   uint64
}

// maxCached bounds memory: filters and pages multiply, most are rare.
const maxCached = 4096

func newCache() *cache { return &cache{m: map[string]cached{}} }

func (c *cache) get(key string, gen uint64) (cached, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok && v.gen == gen
}

func (c *cache) put(key, ctype string, body []byte, gen uint64) {
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[key] = cached{body: body, ctype: ctype, gen: gen}
	c.mu.Unlock()
}

func (c *cache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
