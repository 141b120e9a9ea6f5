package openai

import "sync/atomic"

// Usage counts a Client's work since New.
type Usage struct {
	Requests         int64 // HTTP attempts sent, retries included
	Retries          int64 // attempts that were retries
	FailedRequests   int64 // requests that failed after their retries
	CacheHits        int64 // prompts and judge calls answered from the cache
	PromptTokens     int64 // as reported by the server
	CompletionTokens int64
}

type usageCounters struct {
	requests, retries, failedRequests, cacheHits, promptTokens, completionTokens atomic.Int64
	// otherHits counts cache hits recorded from another endpoint; the first
	// such endpoint is kept in otherFirst.
	otherHits  atomic.Int64
	otherFirst atomic.Pointer[string]
}

// otherEndpoint counts a cache hit whose answer came from endpoint, not from
// this client's, and warns the first time.
func (c *Client) otherEndpoint(endpoint string) {
	c.usage.otherHits.Add(1)
	if c.usage.otherFirst.CompareAndSwap(nil, &endpoint) {
		c.log.Warn("cached answers of this model were recorded from another endpoint", "model", c.cfg.Model, "cached_from", endpoint, "endpoint", c.endpoint)
	}
}

// CachedFromOtherEndpoint reports how many cache hits were answers recorded
// from another endpoint than this client's, and the first such endpoint.
// The cache key is the model name, request and settings: a different server
// under the same model name is answered from the cache.
func (c *Client) CachedFromOtherEndpoint() (n int64, endpoint string) {
	if p := c.usage.otherFirst.Load(); p != nil {
		endpoint = *p
	}
	return c.usage.otherHits.Load(), endpoint
}

// Usage returns the counters so far.
func (c *Client) Usage() Usage {
	u := &c.usage
	return Usage{
		Requests:         u.requests.Load(),
		Retries:          u.retries.Load(),
		FailedRequests:   u.failedRequests.Load(),
		CacheHits:        u.cacheHits.Load(),
		PromptTokens:     u.promptTokens.Load(),
		CompletionTokens: u.completionTokens.Load(),
	}
}
