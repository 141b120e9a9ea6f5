//go:build race

package grpo

const raceEnabled = true
