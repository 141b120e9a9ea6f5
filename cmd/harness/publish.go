package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/leaderboard/submission"
)

type publishFlags struct {
	server, tokenEnv, organisation string
}

// publishRun submits every recipe × model row of a finished run.
func publishRun(cmd *cobra.Command, cfg *config.Config, dir string, f *publishFlags) error {
	rows, err := submission.RunRows(dir)
	if err != nil {
		return err
	}
	org := f.organisation
	if org == "" {
		org = cfg.Project
	}
	if org == "" {
		return fmt.Errorf("--organisation is required (the config has no project)")
	}
	var problems []string
	for _, row := range rows {
		recipe, model := row[0], row[1]
		u, err := submission.FromRunDir(dir, recipe, model)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s/%s: %v", recipe, model, err))
			continue
		}
		name := model
		if recipe != "base" {
			name = model + " + " + recipe
		}
		if cfg.Project != "" {
			name = cfg.Project + ": " + name
		}
		u.Model = submission.Model{Name: name, Organisation: org, Type: recipeType(cfg, recipe)}
		u.Partial = len(u.Benchmarks) < len(submission.BenchmarkNames())
		if _, err := upload(cmd, f.server, "", f.tokenEnv, u, false, 0); err != nil {
			problems = append(problems, fmt.Sprintf("%s/%s: %v", recipe, model, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d of %d rows not published:\n  %s", len(problems), len(rows), strings.Join(problems, "\n  "))
	}
	return nil
}

// recipeType names a recipe's training for the leaderboard's type filter
// from its stages' trainers: an sft trainer is SFT, a grpo (or other RL)
// trainer is RL; no stage is base.
func recipeType(cfg *config.Config, recipe string) string {
	var sft, rl bool
	seen := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		for _, r := range cfg.Recipes {
			if r.Name != name {
				continue
			}
			if r.From != "" {
				walk(r.From)
			}
			for _, st := range r.Stages {
				t := strings.ToLower(st.Trainer)
				switch {
				case strings.Contains(t, "sft"):
					sft = true
				case strings.Contains(t, "grpo"), strings.Contains(t, "ppo"), strings.Contains(t, "rl"):
					rl = true
				}
			}
		}
	}
	walk(recipe)
	switch {
	case sft && rl:
		return "SFT+RL"
	case sft:
		return "SFT"
	case rl:
		return "RL"
	}
	return "base"
}
