package httpapi

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits bound what one client may cost the simulator: how long it may take to send a request's headers and
// its whole request, how long a response may take to write, how long an idle keep-alive connection stays
// open. Zero fields take the defaults of DefaultLimits. The request body limit is the handler's
// (Deps.MaxBodyBytes), so that it answers 413 in the API's error shape.
type Limits struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

// DefaultLimits are the limits a user would expect of a local server: 10 s for the headers, 30 s for the
// whole request, 60 s to write a response (the event stream is exempt), 2 min for an idle connection.
func DefaultLimits() Limits {
	return Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
}

// withDefaults fills the zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	return l
}

// NewServer returns the http.Server that serves h with the limits: its timeouts, its own errors logged through
// log (so that every line keeps the log's format), and long-lived responses (the event stream) told to end
// when Shutdown begins, since Shutdown waits for every active request.
func NewServer(h http.Handler, l Limits, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l = l.withDefaults()
	d := &drain{ch: make(chan struct{})}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithValue(context.Background(), drainKey{}, d.ch) },
	}
	srv.RegisterOnShutdown(d.close)
	return srv
}

// drain is closed when the server begins to shut down.
type drain struct {
	once sync.Once
	ch   chan struct{}
}

func (d *drain) close() { d.once.Do(func() { close(d.ch) }) }

type drainKey struct{}

// draining returns a channel closed when the server serving ctx's request begins to shut down; nil (never
// ready) when the server is not one of NewServer's.
func draining(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(drainKey{}).(chan struct{})
	return ch
}
