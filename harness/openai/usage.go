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
