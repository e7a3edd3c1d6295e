package issuersim_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/issuersim/issuersim/testcontainer/issuersim"
)

// testImage is the image the tests run: $ISSUERSIM_IMAGE when set, else the one TestMain builds from this
// repository (tagged as `make image` tags it), else DefaultImage.
var testImage string

// dockerTests are the tests and examples that need a Docker engine; without one they are skipped.
const dockerTests = "^(TestRun|Example|BenchmarkRun)"

// TestMain checks for a Docker engine and builds the image. Without an engine the container tests and
// examples are skipped with one line, unless CI=true, where a missing engine fails the run.
//
// `go test` shows a passing package's output only in local directory mode (no package arguments), which is
// how `make test-module` runs it, so that the skip line is seen; testcontainers' own log is kept for -v.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		tclog.SetDefault(tclog.NewNoopLogger())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	err := engineAnswers(ctx)
	if err == nil {
		testImage, err = prepareImage(ctx)
		if err != nil {
			cancel()
			fmt.Fprintln(os.Stderr, "issuersim container tests:", err)
			os.Exit(1)
		}
	}
	cancel()
	if err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "issuersim container tests: CI=true and no Docker engine answers: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("issuersim container tests skipped: no Docker engine answers (start one, or point DOCKER_HOST at one): %v\n", err)
		skip := dockerTests
		if s := flag.Lookup("test.skip").Value.String(); s != "" {
			skip = s + "|" + dockerTests
		}
		if err := flag.Set("test.skip", skip); err != nil {
			fmt.Fprintln(os.Stderr, "issuersim container tests: set -test.skip:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// engineAnswers asks the Docker engine testcontainers would use for its info.
func engineAnswers(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil { // testcontainers panics on some broken Docker configurations
			err = fmt.Errorf("docker client: %v", r)
		}
	}()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err
	}
	defer p.Close()
	return p.Health(ctx)
}

// prepareImage returns the image to test. Inside the simulator's repository it builds the binary and the
// image from the repository's Dockerfile, as `make image` does, through the engine's API (no docker CLI).
func prepareImage(ctx context.Context) (string, error) {
	if img := os.Getenv("ISSUERSIM_IMAGE"); img != "" {
		return img, nil
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "Dockerfile")); err != nil {
		return issuersim.DefaultImage, nil // not in the repository: the released image
	}
	dir, err := os.MkdirTemp("", "issuersim-image-")
	if err != nil {
		return "", fmt.Errorf("build image: %w", err)
	}
	defer os.RemoveAll(dir)
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "issuersim"), "./cmd/issuersim")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the binary: %w\n%s", err, out)
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return "", fmt.Errorf("build image: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), dockerfile, 0o644); err != nil {
		return "", fmt.Errorf("build image: %w", err)
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", fmt.Errorf("build image: %w", err)
	}
	defer p.Close()
	tag, err := p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Dockerfile: "Dockerfile", Repo: "issuersim", Tag: "dev", KeepImage: true,
	}})
	if err != nil {
		return "", fmt.Errorf("build image: %w", err)
	}
	return tag, nil
}
