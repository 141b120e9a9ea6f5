package server

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	accepted prometheus.Counter
	rejected *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leaderboard_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "leaderboard_http_request_duration_seconds", Help: "Time to answer, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 5}}, []string{"route"}),
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "leaderboard_submissions_accepted_total", Help: "Submissions accepted into the queue."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leaderboard_submissions_rejected_total", Help: "Submissions refused at upload, by reason."}, []string{"reason"}),
	}
	reg.MustRegister(m.requests, m.duration, m.accepted, m.rejected)
	return m
}

func (m *metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath() // the pattern, never the raw path: bounded labels
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
}
