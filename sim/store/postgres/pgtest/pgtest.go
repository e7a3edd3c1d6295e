// Package pgtest gives a test a PostgreSQL schema of its own, in the database ISSUERSIM_TEST_POSTGRES names,
// and drops it when the test ends. Without that variable a test skips with one line saying how to run it;
// with CI=true it fails instead, so a CI run that lost its database cannot pass by skipping.
// .ci/with-postgres starts a throwaway server and sets the variable.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the variable that holds the test database's URL (postgres://user@host:port/db?sslmode=disable).
const Env = "ISSUERSIM_TEST_POSTGRES"

// URL returns the URL of a fresh, empty schema of the test database (its search_path set), dropped with
// everything in it when the test and its cleanups end. It skips the test when Env is unset, and fails it
// when CI=true.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: CI runs the PostgreSQL tests (.ci/with-postgres starts a server)", Env)
		}
		tb.Skipf("PostgreSQL tests skipped: set %s=postgres://… (or run .ci/with-postgres go test …) to run them", Env)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s must be a postgres:// URL, got %q", Env, base)
	}
	var name [6]byte
	_, _ = rand.Read(name[:])
	schema := "t_" + hex.EncodeToString(name[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
