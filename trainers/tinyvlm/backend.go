package tinyvlm

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// BackendConfig is the Go backend configuration tinyvlm uses:
// "ops_sequential" runs a graph's ops one after another. The backend's
// default mode runs independent ops on a worker pool, and that pool
// deadlocks at random in compute v0.1.2 (workerspool's Saturate waits on a
// sync.Cond that is woken with Signal, so a waiter can miss its wake-up; 3
// of 6 runs hung in a probe). "parallelism=-1" may also avoid it, but it
// prints to stdout, which is the plugin handshake channel, and it was not
// proven; sequential ops are. Stages still use both cores by running side
// by side.
const BackendConfig = "ops_sequential"

// NewBackend returns the pure-Go backend (no cgo) configured as
// BackendConfig.
func NewBackend() (compute.Backend, error) { return gobackend.New(BackendConfig) }
