// Package adapters holds the Python reward adapters that let verl and EasyR1
// train with `harness reward serve`: verl_reward.py (verl's compute_score and
// its batch form), easyr1_reward.py (EasyR1's batch compute_score) and the
// client both use, harness_reward_client.py. They need only Python's standard
// library. The Go code here is their test: it starts a real reward server on
// 127.0.0.1 and calls the adapters with exactly the engines' signatures, the
// way each engine loads them (by file path). docs/verl-easyr1.md shows the
// engines' config lines.
package adapters
