"""User settings: a TOML file in the platformdirs config folder (or `LLMCARDS_CONFIG`).

Unknown keys are kept (so a newer llmcards' settings survive an older one writing the
file); known keys are validated with a one-line error naming the file and the fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from llmcards.errors import UserError, write_failure


@dataclass
class Settings:
    desired_retention: float = 0.9
    learning_steps: list[str] = field(default_factory=lambda: ["1m", "10m"])
    relearning_steps: list[str] = field(default_factory=lambda: ["10m"])
    maximum_interval: int = 36500
    fuzz: bool = True
    rollover_hour: int = 4
    new_per_day: int = 20
    reviews_per_day: int = 200
    leech_threshold: int = 8
    fsrs_parameters: list[float] = field(default_factory=list)  # empty: FSRS-6 defaults
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s)
    deck_limits: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # deck -> {new_per_day, reviews_per_day}

    def learning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.relearning_steps)

    def limits_for(self, deck: str) -> tuple[int, int]:
        own = self.deck_limits.get(deck, {})
        return own.get("new_per_day", self.new_per_day), own.get(
            "reviews_per_day", self.reviews_per_day
        )


MAX_CONFIG_BYTES = 1024 * 1024
# Upper bounds a real collection never reaches; past them numbers overflow SQLite's
# 64-bit integers or dates past year 9999.
MAX_DAILY = 1_000_000
MAX_INTERVAL_DAYS = 36500  # Anki's own maximum: 100 years
MAX_LEECH = 1000
FSRS6_PARAMETERS = 21

_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_step(text: str) -> timedelta:
    match = _STEP.match(str(text))
    if not match:
        raise UserError(f"learning step {text!r} is not a duration; write e.g. 1m, 10m, 1h or 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _validate(settings: Settings, where: str) -> Settings:
    def bad(key: str, why: str) -> UserError:
        return UserError(
            f"{where}: {key} {why}; fix it with `llmcards config {key} VALUE` or edit the file"
        )

    if not 0.7 <= settings.desired_retention <= 0.99:
        raise bad("desired_retention", f"= {settings.desired_retention} is outside 0.70–0.99")
    if not 0 <= settings.rollover_hour <= 23:
        raise bad("rollover_hour", f"= {settings.rollover_hour} is not an hour 0–23")
    limits = {
        "maximum_interval": MAX_INTERVAL_DAYS,
        "new_per_day": MAX_DAILY,
        "reviews_per_day": MAX_DAILY,
        "leech_threshold": MAX_LEECH,
    }
    for key, most in limits.items():
        value = getattr(settings, key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad(key, f"= {value!r} is not a whole number ≥ 0")
        if value > most:
            raise bad(key, f"= {value} is more than {most:,}")
    for key, deck_limits in settings.deck_limits.items():
        for name, value in deck_limits.items() if isinstance(deck_limits, dict) else ():
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAILY:
                raise bad("deck_limits", f"of {key!r}: {name} = {value!r} is not 0–{MAX_DAILY:,}")
    if settings.maximum_interval < 1:
        raise bad("maximum_interval", "must be at least 1 day")
    try:
        settings.learning_deltas()
        settings.relearning_deltas()
    except UserError as exc:
        raise UserError(f"{where}: {exc}") from None
    params = settings.fsrs_parameters
    if params and len(params) != FSRS6_PARAMETERS:
        raise bad(
            "fsrs_parameters",
            f"has {len(params)} numbers; FSRS-6 needs {FSRS6_PARAMETERS} "
            "(copy them from Anki 24.11 or later, or run `llmcards optimize`)",
        )
    if any(not isinstance(p, (int, float)) or not math.isfinite(p) for p in params):
        raise bad("fsrs_parameters", "holds a number that is not finite")
    return settings


def load_settings(path: Path | None = None) -> Settings:
    from llmcards.paths import config_path

    path = path or config_path()
    raw = read_raw(path)
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    defaults = asdict(Settings())
    for key, value in values.items():
        expected = type(defaults[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            values[key] = float(value)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise UserError(
                f"{path}: {key} = {value!r} should be {expected.__name__}; "
                f"fix it with `llmcards config {key} VALUE` or edit the file"
            )
    return _validate(Settings(**values), str(path))


def read_raw(path: Path) -> dict[str, Any]:
    """The file's TOML table; {} when there is no file. Only a regular file is read: a
    FIFO or a device named by LLMCARDS_CONFIG would block or never end."""
    import os
    import stat
    import tomllib

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UserError(f"{path}: not a regular file; point LLMCARDS_CONFIG at a TOML file")
        try:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise UserError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise UserError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB, not a settings file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text (TOML must be UTF-8); save it as UTF-8 and run again"
        ) from None
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None


def save_setting(key: str, text: str, path: Path | None = None) -> Settings:
    """Set one key from its command-line text; the file is replaced atomically."""
    import os
    import tempfile

    import tomli_w

    from llmcards.paths import config_path

    path = path or config_path()
    defaults = asdict(Settings())
    if key not in defaults or key in ("keys", "deck_limits"):
        settable = ", ".join(k for k in defaults if k not in ("keys", "deck_limits"))
        raise UserError(
            f"unknown setting {key!r}; settable: {settable} (keys and deck limits: edit {path})"
        )
    raw = read_raw(path)
    raw[key] = _coerce(key, text, defaults[key])
    known = {k: v for k, v in raw.items() if k in defaults}
    _validate(Settings(**{**defaults, **known}), str(path))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(raw, handle)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {write_failure(exc)}") from None
    finally:
        if tmp is not None:  # a half-written copy (disk full) is not left behind
            Path(tmp).unlink(missing_ok=True)
    return load_settings(path)


def _coerce(key: str, text: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if text.lower() in ("true", "yes", "on", "1"):
                return True
            if text.lower() in ("false", "no", "off", "0"):
                return False
            raise ValueError
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, list):
            items = [t for t in re.split(r"[,\s]+", text.strip()) if t]
            return [float(t) for t in items] if key == "fsrs_parameters" else items
    except ValueError:
        raise UserError(f"{key}: {text!r} is not a valid {type(default).__name__}") from None
    return text
