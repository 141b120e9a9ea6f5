package modelserve

import (
	"encoding/json"
	"net/http"

	"github.com/vlmlab/harness/plugins/sdk"
)

// stream answers a request with stream: true as server-sent events in
// OpenAI's chunk format, ending with "data: [DONE]". The status is chosen
// only when the first choice is ready or the request failed, so a request
// the model refuses gets a plain 400 like a non-streamed one. A failure
// after that is sent as an event {"error": {...}} and the stream ends
// without [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, j *job, id string, created int64) {
	ctx := r.Context()
	var first *sdk.Generation
	select {
	case g := <-j.gens:
		first = &g
	case <-j.done:
	case <-ctx.Done():
		return
	}
	if first == nil {
		if j.err != nil {
			s.writeJobError(w, j.err)
			return
		}
		// Finished without error: every generation is buffered.
		select {
		case g := <-j.gens:
			first = &g
		default:
			s.writeJobError(w, j.err)
			return
		}
	}
	flusher, _ := w.(http.Flusher)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	n := j.req.params.N
	send := func(v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			return false
		}
		if _, err := w.Write([]byte("data: ")); err != nil {
			return false
		}
		if _, err := w.Write(append(b, '\n', '\n')); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	chunk := func(choices ...chunkChoice) chatChunk {
		return chatChunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: s.cfg.Model, Choices: choices}
	}
	// OpenAI opens every choice with the assistant role.
	opening := make([]chunkChoice, n)
	for i := range opening {
		opening[i] = chunkChoice{Index: i, Delta: delta{Role: "assistant"}}
	}
	if !send(chunk(opening...)) {
		return
	}
	var u usage
	emit := func(g sdk.Generation) bool {
		u.CompletionTokens += g.Tokens
		u.PromptTokens = max(u.PromptTokens, g.PromptTokens)
		reason := finishReason(g)
		if g.Text != "" && !send(chunk(chunkChoice{Index: g.Sample, Delta: delta{Content: g.Text}})) {
			return false
		}
		return send(chunk(chunkChoice{Index: g.Sample, FinishReason: &reason}))
	}
	if !emit(*first) {
		return
	}
	for sent := 1; sent < n; {
		select {
		case g := <-j.gens:
			if !emit(g) {
				return
			}
			sent++
			continue
		case <-ctx.Done():
			return
		case <-j.done:
		}
		// Done: what is left is buffered, or the job failed.
		for _, g := range drain(j) {
			if !emit(g) {
				return
			}
			sent++
		}
		if sent < n {
			e := pluginError(j.err)
			if j.err == nil {
				e = pluginError(errIncomplete)
			}
			send(struct {
				Error *apiError `json:"error"`
			}{e})
			return
		}
	}
	if j.req.includeUsage {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
		c := chunk()
		c.Choices = []chunkChoice{}
		c.Usage = &u
		if !send(c) {
			return
		}
	}
	w.Write([]byte("data: [DONE]\n\n"))
	if flusher != nil {
		flusher.Flush()
	}
}
