// Package remote serves the mixed reward over HTTP in OpenRLHF's remote
// reward-model protocol, so that OpenRLHF (or any trainer speaking it) can
// run GRPO with the paper's reward by pointing --remote_rm_url at it.
//
// Protocol (POST / or /get_reward, JSON):
//
//	request  {"query": [prompt+response, …], "prompts": [prompt, …], "labels": [label, …]}
//	     or  {"responses": [response, …], "labels": [label, …], "prompts": [prompt, …] (optional)}
//	response {"rewards": [r, …], "scores": [r, …], "extra_logs": {"format_ok": [0.0|1.0, …], "response_found": [0.0|1.0, …]},
//	          "details": [{"verifier_type": …, "answer": …, "reason": …}, …]}
//
// The first request form is OpenRLHF's; the second carries the responses
// alone (the verl and EasyR1 adapters in trainers/reward/adapters). Every number
// in the reply is a JSON float ("1.0", see Float): OpenRLHF builds a tensor
// from "rewards", and a list of JSON integers becomes an int64 tensor on which
// group normalisation fails.
//
// OpenRLHF reads "rewards" (all versions), "scores" (dynamic filtering) and
// "extra_logs" (per-sample numbers, logged as means); "details" is ours, for
// people reading the reply, and is ignored by OpenRLHF.
//
// A label is a JSON object, or a JSON string holding one:
//
//	{"answer": "B", "verifier_type": "mcq"}
//	{"answer": [0.1, 0.2, 0.7, 0.5], "verifier_type": "iou", "image_size": [640, 480]}
//	{"answer": "A red umbrella.", "verifier_type": "open_ended", "question": "What is she holding?"}
//
// "gt" is accepted for "answer" (the field name of the VLAA-Thinking data). A
// null field is absent ({"answer": "3", "gt": null}, as Hugging Face datasets
// write records that mix keys). Other keys (data_source, id, …) are ignored;
// only a near-miss of a label field ("verfier_type") is refused, with a
// did-you-mean hint. The JSON-string form is the one every OpenRLHF version
// passes through unchanged; object labels are mangled by older versions'
// default collate.
// A plain-string label ("B") is the answer itself, scored with
// Options.DefaultVerifier; without one it is refused, because guessing the
// verifier from the answer's look would silently mis-score.
//
// The response is recovered from the query by stripping the prompt (see
// RecoverResponse). Rule-based rewards are CPU-bound, so requests run at most
// Options.MaxConcurrent at a time; others wait up to Options.QueueWait and then
// get 503 with Retry-After, which OpenRLHF's client retries.
//
// net/http rather than gin: three routes, JSON in and out, and the limits
// (body size, concurrency, shutdown) are plain net/http features; gin would add
// nothing but a dependency to this package.
package remote
