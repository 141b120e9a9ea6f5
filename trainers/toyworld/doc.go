// Package toyworld is the synthetic world the built-in tiny model learns from
// and is evaluated on: small rendered scenes (coloured shapes to count, bar
// charts to read, triangles and rectangles with labelled angles and lengths,
// objects to locate, picture puzzles) with questions whose answers the
// generator computes from the scene, so every answer is right by construction.
//
// Generate writes a whole data tree for one seed: training splits in the
// VLAA-Thinking record layout (SFT traces in a direct and a "pseudo reasoning"
// style, GRPO prompts with a verifier type, answer-only pre-training items) and
// evaluation suites in the official record layouts of the six benchmarks
// (MathVista, MathVision, MathVerse, DynaMath, WeMath, LogicVista), each marked
// synthetic and partial. NewScene exposes the scene generators so a trainer can
// sample fresh items in memory.
//
// Everything is a pure function of the seed: every item draws from its own
// PCG stream derived from (seed, split, index), so items can be rendered on
// many goroutines and the output is still byte-identical.
package toyworld
