"""User settings: a TOML file in the platformdirs config folder (or `LLMCARDS_CONFIG`).

Every key is declared once here, with its type, its bounds and a docstring (shown by
`llmcards config`). Reading the file validates all of it, nested tables included, so a
wrong value is one line naming the key and the file instead of a traceback later, deep in
py-fsrs or the queue. A key llmcards does not know is an error too: a typo must not be
ignored silently. Changing one key from the command line lives in `config_edit`.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from llmcards.errors import UserError

_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_step(text: str) -> timedelta:
    match = _STEP.match(str(text))
    if not match:
        raise UserError(f"learning step {text!r} is not a duration; write e.g. 1m, 10m, 1h or 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _steps(steps: list[str]) -> list[str]:
    for step in steps:
        if not _STEP.match(step):
            raise ValueError(f"has {step!r}, which is not a duration; write e.g. 1m, 10m, 1h or 1d")
    return steps


def _retention(value: float) -> float:
    if not 0.7 <= value <= 0.99:
        raise ValueError("is outside 0.70–0.99")
    return value


def _hour(value: int) -> int:
    if not 0 <= value <= 23:
        raise ValueError("is not an hour 0–23")
    return value


def _fsrs_parameters(values: list[float]) -> list[float]:
    """Empty, or the 21 numbers of FSRS-6 within the bounds py-fsrs itself enforces."""
    if not values:
        return values
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if len(values) != len(LOWER_BOUNDS_PARAMETERS):
        raise ValueError(
            f"has {len(values)} numbers, not {len(LOWER_BOUNDS_PARAMETERS)} (FSRS-6); "
            "run `llmcards optimize`, or set it to '' for the defaults"
        )
    bounds = zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    for index, (value, low, high) in enumerate(bounds):
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"number {index + 1} ({value}) is outside {low}–{high}")
    return values


Count = Annotated[int, Field(ge=0)]
Steps = Annotated[list[str], AfterValidator(_steps)]


class DeckLimits(BaseModel):
    """Daily limits of one deck (and its sub-decks); unset ones fall back to the global."""

    model_config = ConfigDict(strict=True, extra="forbid", use_attribute_docstrings=True)

    new_per_day: Count | None = None
    """New cards a day from this deck."""
    reviews_per_day: Count | None = None
    """Reviews a day from this deck."""


class Settings(BaseModel):
    """Everything a user can set; the defaults are what a fresh install uses."""

    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, use_attribute_docstrings=True
    )

    desired_retention: Annotated[float, AfterValidator(_retention)] = 0.9
    """The chance of remembering a card when it comes due (0.70–0.99); higher means more reviews."""
    learning_steps: Steps = Field(default_factory=lambda: ["1m", "10m"])
    """Waits between the first reviews of a new card (s, m, h or d)."""
    relearning_steps: Steps = Field(default_factory=lambda: ["10m"])
    """Waits between reviews of a forgotten card before it graduates again."""
    maximum_interval: Annotated[int, Field(ge=1)] = 36500
    """The longest wait between two reviews, in days."""
    fuzz: bool = True
    """Spread due dates by a little, so cards learned together do not stay together."""
    rollover_hour: Annotated[int, AfterValidator(_hour)] = 4
    """The hour (0–23, local time) at which a new study day starts."""
    new_per_day: Count = 20
    """New cards a day, over all decks."""
    reviews_per_day: Count = 200
    """Reviews a day, over all decks."""
    leech_threshold: Count = 8
    """Lapses after which a card is a leech and is suspended (0: never)."""
    fsrs_parameters: Annotated[list[float], AfterValidator(_fsrs_parameters)] = Field(
        default_factory=list
    )
    """Your own 21 FSRS-6 parameters, overriding the fitted ones (empty: not overridden)."""
    keys: dict[str, str] = Field(default_factory=dict)
    """Key bindings: binding id (e.g. "study.good") to key(s), e.g. "j" or "j,space"."""
    deck_limits: dict[str, DeckLimits] = Field(default_factory=dict)
    """Daily limits per deck, by full deck name: new_per_day and reviews_per_day."""

    def learning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.relearning_steps)

    def limits_for(self, deck: str) -> tuple[int, int]:
        """(new, reviews) a day for `deck`: its own limits, else the global ones."""
        own = self.deck_limits.get(deck, DeckLimits())
        new = self.new_per_day if own.new_per_day is None else own.new_per_day
        reviews = self.reviews_per_day if own.reviews_per_day is None else own.reviews_per_day
        return new, reviews

    def shown(self) -> dict[str, Any]:
        """The settings as the TOML file would hold them (unset deck limits left out)."""
        return self.model_dump(exclude_none=True)


def dotted(path: tuple[str | int, ...] | list[str]) -> str:
    """A key path as TOML writes it: `deck_limits."LLM::NLP".new_per_day`."""
    return ".".join(str(p) if re.fullmatch(r"[A-Za-z0-9_-]+", str(p)) else f'"{p}"' for p in path)


_PHRASES = {
    "int_type": "is not a whole number",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_type": "is not a number",
    "float_parsing": "is not a number",
    "finite_number": "is not a number",
    "bool_type": "is not true or false",
    "bool_parsing": "is not true or false",
    "string_type": "is not text (quote it)",
    "list_type": "is not a list",
    "dict_type": "is not a table",
    "model_type": "is not a table",
    "greater_than_equal": "is below {ge}",
}


def problem_text(problem: Any) -> str:
    """Why pydantic rejected a value, in the words of this app's other errors."""
    phrase = _PHRASES.get(problem["type"])
    if phrase:
        return phrase.format(**problem.get("ctx", {}))
    return str(problem["msg"]).removeprefix("Value error, ")


def validation_error(error: ValidationError, where: str) -> UserError:
    """The first problem pydantic found, as one line naming the key and the file."""
    problem = error.errors()[0]
    loc = tuple(problem["loc"])
    # A list item is named by its position in words, not as a key nobody could type.
    item = next((i for i, part in enumerate(loc) if isinstance(part, int)), len(loc))
    key = dotted(loc[:item])
    if problem["type"] == "extra_forbidden":
        return UserError(f"{where}: unknown setting {key}; run `llmcards config` to see them all")
    shown = repr(problem["input"])
    what = key if len(shown) > 40 else f"{key} = {shown}"
    if item < len(loc):
        what = f"{key}: item {int(loc[item]) + 1} ({problem['input']!r})"
    return UserError(
        f"{where}: {what} {problem_text(problem)}; "
        f"fix it with `llmcards config {key} VALUE` or edit the file"
    )


def validate(raw: dict[str, Any], where: str) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, where) from None


def load_settings(path: Path | None = None) -> Settings:
    from llmcards.paths import config_path

    path = path or config_path()
    return validate(read_raw(path), str(path))


def read_raw(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
