package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownGrace is how long Serve lets requests in flight finish after its
// context ends.
const ShutdownGrace = 30 * time.Second

// Serve listens on addr ("host:port") and serves the reward until ctx ends,
// then shuts down gracefully. This is `harness reward serve --addr`.
func Serve(ctx context.Context, addr string, opts Options) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("reward server: listen on %s: %w", addr, err)
	}
	return ServeListener(ctx, ln, opts)
}

// ServeListener serves the reward on ln until ctx ends (tests pass a
// listener on 127.0.0.1:0). It closes ln.
func ServeListener(ctx context.Context, ln net.Listener, opts Options) error {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	h := newHandler(opts, ctx)
	srv := &http.Server{
		Handler: h,
		// Slow or idle clients are cut off rather than held: without these
		// a few thousand trickling connections pin memory and sockets.
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       h.opts.ReadTimeout,
		IdleTimeout:       h.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("reward server listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("reward server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("reward server on %s: %w", ln.Addr(), serveErr)
	}
	if err != nil {
		return fmt.Errorf("reward server on %s: shutdown: %w", ln.Addr(), err)
	}
	log.Info("reward server stopped", "addr", ln.Addr().String())
	return nil
}
