package modelserve

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// apiError is an error in OpenAI's shape:
// {"error": {"message", "type", "param", "code"}}.
type apiError struct {
	Status  int     `json:"-"`
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func (e *apiError) Error() string { return e.Message }

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// badRequest is a 400 about one field of the request (param may be "").
func badRequest(param, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: "invalid_request_error", Param: strp(param), Message: fmt.Sprintf(format, args...)}
}

func withCode(e *apiError, code string) *apiError {
	e.Code = strp(code)
	return e
}

var (
	errOverloaded = &apiError{Status: http.StatusServiceUnavailable, Type: "server_error", Code: strp("overloaded"),
		Message: "the server is overloaded: too many requests are waiting for the model; retry after a short wait"}
	errShuttingDown = &apiError{Status: http.StatusServiceUnavailable, Type: "server_error", Code: strp("shutting_down"),
		Message: "the server is shutting down"}
)

// pluginError turns an error of the model backend into an API error that
// keeps its class: a model that says the input is invalid is the caller's
// problem (400), a crashed or failing model is the server's (500), a model
// that is out of resources or unreachable is a 503.
func pluginError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var crash *host.CrashError
	if errors.As(err, &crash) {
		return &apiError{Status: http.StatusInternalServerError, Type: "server_error", Code: strp("model_crashed"),
			Message: fmt.Sprintf("the model plugin %s crashed; the server cannot answer until it is restarted", crash.Plugin)}
	}
	var pe *host.PluginError
	if errors.As(err, &pe) {
		return fromCode(pe.Code, "model: "+pe.Msg)
	}
	if errors.Is(err, errModelTimeout) {
		return &apiError{Status: http.StatusGatewayTimeout, Type: "server_error", Code: strp("timeout"), Message: err.Error()}
	}
	return &apiError{Status: http.StatusInternalServerError, Type: "server_error", Message: "model: " + err.Error()}
}

// fromCode maps the gRPC code of a model plugin's error to an HTTP status
// by the error's class (sdk.ClassOfCode): invalid parameters are the
// caller's (400), an unavailable dependency is a 503, an internal failure a 500.
func fromCode(c codes.Code, msg string) *apiError {
	if c == codes.DeadlineExceeded {
		return &apiError{Status: http.StatusGatewayTimeout, Type: "server_error", Code: strp("timeout"), Message: msg}
	}
	switch sdk.ClassOfCode(c) {
	case sdk.ErrInvalid:
		return &apiError{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: msg}
	case sdk.ErrUnavailable:
		return &apiError{Status: http.StatusServiceUnavailable, Type: "server_error", Code: strp("model_unavailable"), Message: msg}
	}
	return &apiError{Status: http.StatusInternalServerError, Type: "server_error", Message: msg}
}

// invalidClass reports whether a batch failed because of (at least) one of
// its requests, so that retrying them one by one isolates the bad one.
func invalidClass(err error) bool {
	return pluginError(err).Status == http.StatusBadRequest
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.Status, struct {
		Error *apiError `json:"error"`
	}{e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"message":"encode response","type":"server_error","param":null,"code":null}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
