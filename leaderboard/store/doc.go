// Package store keeps the leaderboard's entries, their scored items, the
// submission queue and the submitters' tokens in SQL: SQLite (embedded, the
// default; modernc.org/sqlite, no cgo) or PostgreSQL (pgx) for hosting. Both
// run one schema, created by the embedded, versioned migrations in
// migrations/, and the same queries: the few spots where the two dialects
// differ are in dialect.go.
//
// The leaderboard table keeps each entry's aggregates (the six scores, the
// average, whether all six are there, the size bucket) in plain indexed
// columns, so the ranking page is one indexed query; everything a single
// entry's page shows (sub-metrics, diagnostics, provenance) is one JSON
// document read only for that page.
package store
