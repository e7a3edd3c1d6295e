package steps

import (
	"fmt"
	"net"
	"time"
)

// Option changes how a step library built by [New] works.
type Option func(*Steps) error

// DefaultWait is how long a step waits for something the simulator does asynchronously (a webhook delivery,
// a D1 notification) before it fails.
const DefaultWait = 10 * time.Second

// WithReceiverHost makes the scenario's webhook endpoints listen on host (an IP address, such as a Docker
// bridge's gateway 172.17.0.1) and names them in subscriptions as advertised (a host the simulator reaches
// them by, such as host.docker.internal; empty means host itself). The default, 127.0.0.1, suits a
// simulator on the same machine; one in a container needs an address the container can reach.
func WithReceiverHost(host, advertised string) Option {
	return func(s *Steps) error {
		if host == "" {
			return fmt.Errorf("receiver host: empty")
		}
		if net.ParseIP(host) == nil && host != "localhost" {
			return fmt.Errorf("receiver host %q: not an IP address or localhost", host)
		}
		if advertised == "" {
			advertised = host
		}
		s.receiverHost, s.receiverAdvertised = host, advertised
		return nil
	}
}

// WithWait sets how long steps wait for asynchronous deliveries before they fail (default [DefaultWait]).
func WithWait(d time.Duration) Option {
	return func(s *Steps) error {
		if d <= 0 {
			return fmt.Errorf("wait %s: must be positive", d)
		}
		s.wait = d
		return nil
	}
}
