// Package submissions carries the published leaderboard entries (the *.yaml
// files beside this one) into the harness binary, so comparing against
// published numbers works from any directory. Read them with
// leaderboard.LoadFS(submissions.FS); the format is in README.md.
package submissions

import "embed"

// FS holds every *.yaml entry of this folder.
//
//go:embed *.yaml
var FS embed.FS
