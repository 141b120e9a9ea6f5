package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/leaderboard/submission"
)

type submitFlags struct {
	server, token, tokenEnv           string
	name, organisation, typ, revision string
	recipe, model                     string
	params                            float64
	partial, dryRun                   bool
	wait                              time.Duration
}

func newSubmitCmd() *cobra.Command {
	f := &submitFlags{}
	cmd := &cobra.Command{
		Use:   "submit --server URL --token T DIR",
		Short: "Upload the raw predictions of an eval (or run) directory to a leaderboard, which re-scores them",
		Long: `Upload the raw predictions of an eval directory ('harness eval' output:
eval.json and BENCHMARK.items.jsonl), or of one recipe × model row of a
'harness run' folder (run.json; --recipe, --model), with the model's
metadata to a leaderboard server. The server never uses the scores in DIR: it re-scores
the predictions with its evaluator plugins, data and judge, and then lists
the model as verified. Submitting fewer than the six benchmarks needs
--partial (the entry is shown, marked incomplete, and not ranked).

With --wait the command follows the submission until it is FINISHED or
FAILED and prints the outcome (exit status 1 on FAILED).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSubmit(cmd, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "", "leaderboard base URL, e.g. http://127.0.0.1:8080")
	fl.StringVar(&f.token, "token", "", "submitter token (default: $HARNESS_TOKEN)")
	fl.StringVar(&f.tokenEnv, "token-env", "HARNESS_TOKEN", "environment variable read when --token is not given")
	fl.StringVar(&f.name, "name", "", "model name as the leaderboard shows it (default: the model name in eval.json)")
	fl.StringVar(&f.organisation, "organisation", "", "who made the model")
	fl.Float64Var(&f.params, "params", 0, "parameter count in billions, e.g. 3.75 (0: unknown)")
	fl.StringVar(&f.typ, "type", "", "how it was trained: base, SFT, RL, SFT+RL or API")
	fl.StringVar(&f.revision, "revision", "", "model revision (a commit or checkpoint id)")
	fl.BoolVar(&f.partial, "partial", false, "submit although DIR has fewer than the six benchmarks")
	fl.StringVar(&f.recipe, "recipe", "", "for a `harness run` folder: the recipe of the row to submit (default: its only one)")
	fl.StringVar(&f.model, "model", "", "for a `harness run` folder: the model of the row to submit (default: its only one)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "check DIR and print what would be sent, send nothing")
	fl.DurationVar(&f.wait, "wait", 0, "follow the submission up to this long until it is scored (0: do not wait)")
	cmd.MarkFlagRequired("organisation")
	cmd.MarkFlagRequired("type")
	return cmd
}

func runSubmit(cmd *cobra.Command, f *submitFlags, dir string) error {
	var (
		u   *submission.Upload
		err error
	)
	if _, serr := os.Stat(filepath.Join(dir, "run.json")); serr == nil {
		recipe, model := f.recipe, f.model
		if recipe == "" || model == "" {
			rows, err := submission.RunRows(dir)
			if err != nil {
				return err
			}
			if len(rows) != 1 {
				return fmt.Errorf("%s holds %d recipe × model rows; choose one with --recipe and --model", dir, len(rows))
			}
			recipe, model = rows[0][0], rows[0][1]
		}
		u, err = submission.FromRunDir(dir, recipe, model)
	} else {
		u, err = submission.FromEvalDir(dir)
	}
	if err != nil {
		return err
	}
	u.Model = submission.Model{Name: f.name, Organisation: f.organisation, ParamsB: f.params, Type: f.typ, Revision: f.revision}
	if u.Model.Name == "" && u.Run != nil {
		u.Model.Name = u.Run.ModelName
	}
	u.Partial = f.partial
	_, err = upload(cmd, f.server, f.token, f.tokenEnv, u, f.dryRun, f.wait)
	return err
}

// upload validates u, sends it, and with wait > 0 follows it until scored.
func upload(cmd *cobra.Command, server, token, tokenEnv string, u *submission.Upload, dryRun bool, wait time.Duration) (submissionStatus, error) {
	out := cmd.OutOrStdout()
	var st submissionStatus
	if err := submission.Validate(u); err != nil {
		return st, err
	}
	body, err := submission.Encode(u)
	if err != nil {
		return st, err
	}
	var counts []string
	for _, b := range submission.BenchmarkNames() {
		if p, ok := u.Benchmarks[b]; ok {
			counts = append(counts, fmt.Sprintf("%s %d", b, len(p)))
		}
	}
	fmt.Fprintf(out, "%s (%s profile): %s; %d bytes\n", u.Model.Name, u.Profile, strings.Join(counts, ", "), len(body))
	if dryRun {
		return st, nil
	}
	if server == "" {
		return st, errors.New("--server is required: the leaderboard's base URL, e.g. http://127.0.0.1:8080")
	}
	base, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return st, fmt.Errorf("--server %q: give an http:// or https:// URL", server)
	}
	if token == "" && tokenEnv != "" {
		token = os.Getenv(tokenEnv)
	}
	if token == "" {
		return st, fmt.Errorf("--token is required (or $%s): ask the leaderboard's maintainers for one", tokenEnv)
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, base.String()+"/api/v1/submissions", bytes.NewReader(body))
	if err != nil {
		return st, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return st, fmt.Errorf("submit to %s: %w", base, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusAccepted {
		return st, fmt.Errorf("the server refused the submission (%s): %s", resp.Status, serverError(rb))
	}
	if err := json.Unmarshal(rb, &st); err != nil {
		return st, fmt.Errorf("the server's answer: %w", err)
	}
	fmt.Fprintf(out, "submission %s %s: %s/api/v1/submissions/%s\n", st.ID, st.Status, base, st.ID)
	if wait <= 0 {
		return st, nil
	}
	deadline := time.Now().Add(wait)
	for st.Status == "PENDING" || st.Status == "RUNNING" {
		if time.Now().After(deadline) {
			return st, fmt.Errorf("submission %s still %s after %s; follow it at %s/submissions", st.ID, st.Status, wait, base)
		}
		select {
		case <-cmd.Context().Done():
			return st, cmd.Context().Err()
		case <-time.After(500 * time.Millisecond):
		}
		r, err := client.Get(base.String() + "/api/v1/submissions/" + url.PathEscape(st.ID))
		if err != nil {
			return st, fmt.Errorf("follow submission %s: %w", st.ID, err)
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return st, fmt.Errorf("follow submission %s: %s: %s", st.ID, r.Status, serverError(b))
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return st, err
		}
	}
	if st.Status == "FAILED" {
		return st, fmt.Errorf("submission %s FAILED: %s", st.ID, st.Reason)
	}
	fmt.Fprintf(out, "submission %s %s: %s/entry/%s\n", st.ID, st.Status, base, st.EntryID)
	return st, nil
}

type submissionStatus struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	EntryID string `json:"entry_id"`
}

// serverError renders the server's JSON error (with its problems) as text.
func serverError(b []byte) string {
	var e struct {
		Error    string   `json:"error"`
		Problems []string `json:"problems"`
	}
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		return strings.TrimSpace(string(b))
	}
	if len(e.Problems) > 0 {
		return e.Error + ":\n  " + strings.Join(e.Problems, "\n  ")
	}
	return e.Error
}
