package issuersim

import (
	"context"
	"fmt"
	"net"

	"github.com/testcontainers/testcontainers-go"
)

// HostListener listens on a free port of the engine's bridge gateway address (such as 172.17.0.1), the
// address by which a container on the engine's default network reaches the test's host, and where
// host.docker.internal points with WithHostWebhook. Serve a webhook receiver on it:
//
//	ln, err := issuersim.HostListener(ctx)
//	srv := httptest.NewUnstartedServer(handler)
//	srv.Listener.Close()
//	srv.Listener = ln
//	srv.Start()
//	ctr, err := issuersim.Run(ctx, issuersim.DefaultImage, issuersim.WithHostWebhook(srv.URL+"/hook"))
//
// A receiver that listens only on 127.0.0.1 cannot be reached from a bridged container. It needs a local
// Docker engine on Linux, where the gateway is an address of the host itself.
func HostListener(ctx context.Context) (net.Listener, error) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return nil, fmt.Errorf("host listener: docker provider: %w", err)
	}
	defer p.Close()
	ip, err := p.GetGatewayIP(ctx)
	if err != nil {
		return nil, fmt.Errorf("host listener: gateway address: %w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, fmt.Errorf("host listener on the gateway %s: %w", ip, err)
	}
	return ln, nil
}
