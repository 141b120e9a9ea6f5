// Package grpo is the GRPO trainer on tinyvlm: per step a rollout batch of
// prompts, G samples each, rewarded by the paper's mixed reward; advantages
// normalised within each group; the clipped-ratio objective averaged over
// response tokens; a KL term to the frozen starting checkpoint.
//
// The scalar rules live here in plain Go (GroupAdvantages, the KL estimators
// and controllers, Surrogate) so they can be checked against hand-computed
// cases; the training graph computes the same quantities on tensors and its
// tests compare against these functions.
//
// Where the paper is silent the package follows OpenRLHF, which the authors
// say they adapted (paper.md §2): group_norm advantages with the unbiased
// standard deviation and 1e-9 in the denominator, k1/k2/k3 KL estimators, and
// the AdaptiveKLController update rule.
package grpo
