package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/trainers/reward"
)

// Request is OpenRLHF's remote reward request. Query[i] is prompt and
// response decoded together; Prompts[i] is the prompt alone; Labels[i] is the
// dataset's --label_key field of that prompt.
type Request struct {
	Query   []string          `json:"query"`
	Prompts []string          `json:"prompts"`
	Labels  []json.RawMessage `json:"labels"`
}

// Response is the reply OpenRLHF reads. Rewards and Scores are equal: OpenRLHF
// trains on rewards and filters groups on scores.
type Response struct {
	Rewards []float64 `json:"rewards"`
	Scores  []float64 `json:"scores"`
	// ExtraLogs holds one number per sample under each key; OpenRLHF logs
	// their means (format_ok: the share of well-formatted responses).
	ExtraLogs map[string][]float64 `json:"extra_logs"`
	Details   []Detail             `json:"details"`
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

// labelObject is the JSON object form of a label.
type labelObject struct {
	Answer       json.RawMessage `json:"answer"`
	GT           json.RawMessage `json:"gt"`
	VerifierType *string         `json:"verifier_type"`
	Question     string          `json:"question"`
	Images       []string        `json:"images"`
	ImageSize    []int           `json:"image_size"`
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
	dec.DisallowUnknownFields() // a misspelt "verfier_type" must not pass silently
	if err := dec.Decode(&o); err != nil {
		return Label{}, fmt.Errorf("label object: %w (fields: answer or gt, verifier_type, question, images, image_size)", err)
	}
	if dec.More() {
		return Label{}, fmt.Errorf("label object: trailing data after the object")
	}
	if o.VerifierType == nil {
		return Label{}, fmt.Errorf("label object has no \"verifier_type\"")
	}
	vt, err := reward.ParseVerifierType(*o.VerifierType)
	if err != nil {
		return Label{}, err
	}
	ansRaw := o.Answer
	if len(o.Answer) > 0 && len(o.GT) > 0 {
		return Label{}, fmt.Errorf("label object has both \"answer\" and \"gt\": keep one")
	}
	if len(ansRaw) == 0 {
		ansRaw = o.GT
	}
	answer, err := answerText(ansRaw)
	if err != nil {
		return Label{}, err
	}
	l := Label{Answer: answer, VerifierType: vt, Question: o.Question, Images: o.Images}
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
