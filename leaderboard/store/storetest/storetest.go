// Package storetest opens fresh stores of both back ends for tests: an
// SQLite file in the test's temp dir, and a new schema on the PostgreSQL
// server named by $HARNESS_TEST_POSTGRES (.ci/postgres.sh starts one on
// 127.0.0.1 and prints its DSN). Without that variable the PostgreSQL case
// is skipped with a message, except under CI, where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vlmlab/harness/leaderboard/store"
)

// EnvPostgres names the variable holding the test server's DSN.
const EnvPostgres = "HARNESS_TEST_POSTGRES"

// Backend opens a fresh, empty store and returns it with its DSN.
type Backend struct {
	Name string
	Open func(t testing.TB) (store.Store, string)
}

// Backends lists SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{{"sqlite", SQLite}, {"postgres", Postgres}}
}

// SQLite opens a store in a new file under t.TempDir().
func SQLite(t testing.TB) (store.Store, string) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "leaderboard.db")
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}

// PostgresDSN returns the server's DSN for a schema of its own (dropped when
// the test ends), or skips (fails under CI) when there is no server.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("$%s is not set; CI must start PostgreSQL (.ci/postgres.sh)", EnvPostgres)
		}
		t.Skipf("$%s is not set; skipping the PostgreSQL case (export %s=$(.ci/postgres.sh) to run it)", EnvPostgres, EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("PostgreSQL at $%s is not reachable (%v); skipping", EnvPostgres, err)
		}
		t.Fatalf("PostgreSQL at $%s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a store in a fresh schema of the test server.
func Postgres(t testing.TB) (store.Store, string) {
	t.Helper()
	dsn := PostgresDSN(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}
