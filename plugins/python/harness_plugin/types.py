"""The plain data types a plugin author handles. They mirror the Go SDK's types
(plugins/sdk) field for field; the SDK converts them to and from the protocol
messages of plugins/proto/harness/v1, so plugin code never touches protobuf."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# Plugin kinds.
TRAINER = "trainer"
EVALUATOR = "evaluator"
MODEL = "model"

# Scoring profiles.
PROFILE_LEADERBOARD = "leaderboard"
PROFILE_OFFICIAL = "official"

# Extraction paths of a scored item.
PATH_RULE = "rule"
PATH_JUDGE = "judge"
PATH_UNRESOLVED = "unresolved"
# The two causes of an unresolved item, where an evaluator tells them apart
# (hosts count both as unresolved), and a verdict decided by a named
# reproduced quirk of the reference scorer (counted with the rule items).
PATH_NO_JUDGE = "no-judge"
PATH_JUDGE_FAILED = "judge-failed"
PATH_QUIRK = "quirk"


@dataclass
class Image:
    """One image of a prompt: a path on the plugin's machine or the bytes."""

    path: str = ""
    data: bytes = b""
    mime: str = ""


@dataclass
class Part:
    """One piece of a prompt: text or an image."""

    text: str = ""
    image: Optional[Image] = None


@dataclass
class Checkpoint:
    """A trained model's manifest. Build one with write_checkpoint."""

    dir: str = ""
    format: str = ""
    parent: str = ""
    files: dict[str, str] = field(default_factory=dict)  # name -> "sha256:<hex>"
    hash: str = ""


# --- trainer ---------------------------------------------------------------


@dataclass
class TrainRequest:
    """One training stage to run."""

    stage: str = ""
    base: Optional[Checkpoint] = None  # None for a fresh model
    output_dir: str = ""
    data: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # the stage's params, decoded
    params_json: bytes = b""  # the same, as the host sent them
    seed: int = 0


@dataclass
class Progress:
    """One optimisation step; yield it from train()."""

    step: int
    total: int = 0
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class Log:
    """A human-readable line for the run's log; yield it from train()."""

    message: str
    level: str = "info"  # debug, info, warn, error


# --- model -----------------------------------------------------------------


@dataclass
class Prompt:
    id: str
    system: str = ""
    parts: list[Part] = field(default_factory=list)


@dataclass
class GenerateParams:
    max_tokens: int = 0
    temperature: float = 0.0
    top_p: float = 0.0
    top_k: int = 0
    seed: int = 0
    stop: list[str] = field(default_factory=list)
    n: int = 0  # samples per prompt; 0 means 1
    repetition_penalty: float = 0.0  # vLLM's; 0 means unset


@dataclass
class Generation:
    """One sample for one prompt; yield it from generate()."""

    prompt_id: str
    text: str = ""
    sample: int = 0
    tokens: int = 0
    truncated: bool = False
    error: str = ""
    # The prompt's length in tokens (text and image), when the model knows it;
    # the same for every sample of a prompt.
    prompt_tokens: int = 0


# --- evaluator -------------------------------------------------------------


@dataclass
class BenchmarkInfo:
    name: str
    title: str = ""
    items: int = 0  # item count of the full split
    primary: str = ""  # name of the leaderboard metric
    description: str = ""


@dataclass
class OpenRequest:
    """Which data file to load and how to score it."""

    benchmark: str = ""
    path: str = ""
    profile: str = ""
    allow_partial: bool = False
    system_prompt: str = ""
    judge: str = ""  # judge model; empty when none is configured
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class DatasetInfo:
    benchmark: str = ""
    path: str = ""
    data_hash: str = ""  # "sha256:<hex>" of what was read
    count: int = 0
    expected: int = 0
    partial: bool = False
    synthetic: bool = False


@dataclass
class Item:
    id: str
    prompt: list[Part] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Dataset:
    """What open() returns: the loaded file's description, its items, and
    whatever state score() needs (the SDK keeps it per session)."""

    info: DatasetInfo
    items: list[Item]
    state: object = None


@dataclass
class Response:
    item_id: str
    text: str = ""
    failed: bool = False
    error: str = ""


@dataclass
class JudgeRequest:
    key: str  # unique per item, stage and attempt
    item_id: str = ""
    stage: str = ""
    attempt: int = 0
    system: str = ""
    prompt: str = ""
    temperature: float = 0.0
    max_tokens: int = 0


@dataclass
class JudgeAnswer:
    key: str
    text: str = ""
    error: str = ""


@dataclass
class ItemResult:
    id: str
    response: str = ""
    extracted: str = ""
    path: str = PATH_RULE
    hit: bool = False
    reason: str = ""
    quirk: str = ""  # the reproduced reference quirk that changed this item, if any


@dataclass
class Metric:
    name: str
    value: float


@dataclass
class Row:
    key: str
    total: int = 0
    hit: float = 0.0
    value: float = 0.0


@dataclass
class Breakdown:
    name: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Report:
    """The final result of scoring one benchmark."""

    benchmark: str = ""
    profile: str = ""
    judge: str = ""
    dataset: Optional[DatasetInfo] = None
    primary: str = ""
    score: float = 0.0
    metrics: list[Metric] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    rule: int = 0
    judged: int = 0
    unresolved: int = 0
    postprocess: str = ""  # the response post-processing step applied before scoring
    quirks: dict[str, int] = field(default_factory=dict)  # items each named quirk decided or changed
