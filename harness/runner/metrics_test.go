package runner

import "testing"

// TestTrainerMetricsReadable (issue 11 item 14): trainer progress shows its
// metrics as "name value" pairs in name order, not a Go map.
func TestTrainerMetricsReadable(t *testing.T) {
	got := formatMetrics(map[string]float64{"online_accuracy": 0, "loss": 0.41234567})
	if want := "loss 0.4123, online_accuracy 0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := formatMetrics(nil); got != "" {
		t.Errorf("no metrics: %q", got)
	}
}
