package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vlmlab/harness/internal/suggest"
	"github.com/vlmlab/harness/trainers/reward"
)

// Request is a reward request in one of two forms.
//
// OpenRLHF's form: Query[i] is prompt and response decoded together;
// Prompts[i] is the prompt alone; Labels[i] is the dataset's --label_key field
// of that prompt. The response is recovered by stripping the prompt.
//
// The direct form (the verl and EasyR1 adapters): Responses[i] is the response
// alone, already decoded without special tokens; Labels[i] its label; Prompts
// is optional (the question an open_ended reward model sees when the label
// has none); Query must be absent.
type Request struct {
	Query     []string          `json:"query"`
	Prompts   []string          `json:"prompts"`
	Responses []string          `json:"responses"`
	Labels    []json.RawMessage `json:"labels"`
}

// Response is the reply OpenRLHF reads. Rewards and Scores are equal: OpenRLHF
// trains on rewards and filters groups on scores. Every number is a Float, so
// it is a float on the wire ("1.0") and a float tensor in the trainer.
type Response struct {
	Rewards []Float `json:"rewards"`
	Scores  []Float `json:"scores"`
	// ExtraLogs holds one number per sample under each key; OpenRLHF logs
	// their means (format_ok: the share of well-formatted responses).
	ExtraLogs map[string][]Float `json:"extra_logs"`
	Details   []Detail           `json:"details"`
}

// Detail explains one sample's reward, for people reading the reply.
type Detail struct {
	VerifierType string `json:"verifier_type"`
	Answer       string `json:"answer"` // extracted answer, cut to maxDetailAnswer bytes
	Reason       string `json:"reason"`
}

// ErrorBody is the JSON of every 4xx/5xx reply.
type ErrorBody struct {
	Error string `json:"error"`
}

// Label is the parsed form of one label.
type Label struct {
	Answer       string
	VerifierType reward.VerifierType
	Question     string
	Images       []string
	ImageWidth   int
	ImageHeight  int
}

// Sample is the reward sample of response under this label. prompt is the
// question the open-ended reward model sees when the label carries none.
// The reward server and the in-process GRPO reward both build samples here,
// so a response gets the same reward from either.
func (l Label) Sample(response, prompt string) reward.Sample {
	question := l.Question
	if question == "" {
		question = prompt
	}
	return reward.Sample{
		Response: response, Label: l.Answer, VerifierType: l.VerifierType, Query: question,
		Images: l.Images, ImageWidth: l.ImageWidth, ImageHeight: l.ImageHeight,
	}
}

// labelKeys are the fields of a label object a verifier reads.
var labelKeys = []string{"answer", "gt", "verifier_type", "question", "images", "image_size"}

// datasetKeys are fields that real datasets carry next to the label fields
// (VLAA-Thinking, verl's parquet layout, Hugging Face exports). They are
// ignored even where one is a near-miss of a label key ("image" of "images").
var datasetKeys = map[string]bool{
	"id": true, "data_source": true, "ability": true, "extra_info": true, "reward_model": true,
	"split": true, "index": true, "image": true, "caption": true, "meta": true, "ds_answer": true,
	"problem": true, "prompt": true, "style": true, "source": true,
}

// labelObject is the JSON object form of a label. A field that is null is
// absent: Hugging Face datasets fill every key any record has, with null in
// the records that lack it ({"answer": "3", "gt": null}).
type labelObject struct {
	Answer       json.RawMessage `json:"answer"`
	GT           json.RawMessage `json:"gt"`
	VerifierType *string         `json:"verifier_type"`
	Question     *string         `json:"question"`
	Images       []string        `json:"images"`
	ImageSize    []int           `json:"image_size"`
}

// checkLabelKeys refuses a key that is a near-miss of a label key the object
// lacks (a typo such as "verfier_type" must not silently fall back to a
// default) and accepts every other extra key, which datasets carry for their
// own use.
func checkLabelKeys(raw []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("label object: %w", err)
	}
	for _, k := range sortedKeys(fields) {
		if slices.Contains(labelKeys, k) || datasetKeys[k] {
			continue
		}
		maxDist := 2
		if len(k) <= 4 {
			maxDist = 1 // "id" is two edits from "gt" and is not a typo of it
		}
		// A near-miss of a field the object also has is another field of the
		// dataset ("answers" beside "answer"), not a typo.
		if near := suggest.Closest(strings.ToLower(k), labelKeys, maxDist); near != "" && fields[near] == nil {
			return fmt.Errorf("label object has field %q: did you mean %q? (label fields: %s; other fields are ignored)", k, near, strings.Join(labelKeys, ", "))
		}
	}
	return nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ParseLabel reads one label: a JSON object, a JSON string holding a JSON
// object, or a plain answer (a string that does not start with '{', or a
// number) scored with defaultVerifier. See the package doc for the fields.
func ParseLabel(raw json.RawMessage, defaultVerifier reward.VerifierType) (Label, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return Label{}, fmt.Errorf("label is missing (null): set OpenRLHF's --label_key to the dataset field holding the label")
	}
	switch raw[0] {
	case '{':
		return parseLabelObject(raw)
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Label{}, fmt.Errorf("label is not a valid JSON string: %w", err)
		}
		if strings.HasPrefix(strings.TrimSpace(s), "{") {
			return parseLabelObject([]byte(s))
		}
		return plainLabel(s, defaultVerifier)
	case '[':
		return Label{}, fmt.Errorf("label is a JSON array: wrap it as {\"answer\": [...], \"verifier_type\": \"iou\"}")
	default: // a number or a boolean
		return plainLabel(string(raw), defaultVerifier)
	}
}

func plainLabel(answer string, defaultVerifier reward.VerifierType) (Label, error) {
	if strings.TrimSpace(answer) == "" {
		return Label{}, fmt.Errorf("label is empty: set OpenRLHF's --label_key to the dataset field holding the label")
	}
	if defaultVerifier == "" {
		return Label{}, fmt.Errorf("label %s is a plain answer and the server has no default verifier: send {\"answer\": …, \"verifier_type\": …} or start the server with a default verifier type", clipped(answer))
	}
	return Label{Answer: answer, VerifierType: defaultVerifier}, nil
}

func parseLabelObject(raw []byte) (Label, error) {
	var o labelObject
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&o); err != nil {
		return Label{}, fmt.Errorf("label object: %w (fields: answer or gt, verifier_type, question, images, image_size)", err)
	}
	if dec.More() {
		return Label{}, fmt.Errorf("label object: trailing data after the object")
	}
	if err := checkLabelKeys(raw); err != nil {
		return Label{}, err
	}
	if o.VerifierType == nil {
		return Label{}, fmt.Errorf("label object has no \"verifier_type\"")
	}
	vt, err := reward.ParseVerifierType(*o.VerifierType)
	if err != nil {
		return Label{}, err
	}
	ansRaw, gtRaw := present(o.Answer), present(o.GT)
	if ansRaw != nil && gtRaw != nil {
		return Label{}, fmt.Errorf("label object has both \"answer\" and \"gt\": keep one")
	}
	if ansRaw == nil {
		ansRaw = gtRaw
	}
	answer, err := answerText(ansRaw)
	if err != nil {
		return Label{}, err
	}
	l := Label{Answer: answer, VerifierType: vt, Images: o.Images}
	if o.Question != nil {
		l.Question = *o.Question
	}
	switch len(o.ImageSize) {
	case 0:
	case 2:
		if o.ImageSize[0] <= 0 || o.ImageSize[1] <= 0 {
			return Label{}, fmt.Errorf("label image_size %v: want [width, height] in pixels, both positive", o.ImageSize)
		}
		l.ImageWidth, l.ImageHeight = o.ImageSize[0], o.ImageSize[1]
	default:
		return Label{}, fmt.Errorf("label image_size has %d numbers: want [width, height]", len(o.ImageSize))
	}
	return l, nil
}

// present returns raw, or nil when the field is absent or null.
func present(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// answerText turns the label's answer into the text a verifier reads: a
// string as is, a number or an array (a box) as its JSON text.
func answerText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", fmt.Errorf("label object has no \"answer\"")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("label answer: %w", err)
		}
		if strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("label answer is empty")
		}
		return s, nil
	}
	if raw[0] == '{' {
		return "", fmt.Errorf("label answer is an object: want a string, a number or a box array")
	}
	return string(raw), nil
}
