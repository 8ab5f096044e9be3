"""Friction switches for the demo shop, the named profiles, and the ``--toggles`` parser.

Each switch turns on one kind of checkout friction from docs/heuristics (slow stages, a forced
account, a long form, missing trust signals, late fees) so a check can be tested both ways: it
must fire with its switch on and stay silent with it off.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

# Stage kinds a delay can be attached to, matching the auditor's stage names.
SLOW_STAGES = ("landing", "category", "search", "product", "cart", "checkout", "payment", "confirmation")
FLAGS = ("account_wall", "long_form", "no_trust", "late_fees", "xss")
TOGGLE_NAMES = ("slow",) + FLAGS
_OFF_WORDS = ("off", "false", "no", "0")
_ON_WORDS = ("on", "true", "yes", "1")


@dataclass(frozen=True)
class Toggles:
    """Which frictions the shop shows. The default instance is the clean shop."""

    slow: Mapping[str, int] = field(default_factory=dict)  # stage kind → extra server delay (ms)
    account_wall: bool = False  # sign-in/registration wall before checkout, no guest path
    long_form: bool = False  # 25+ field checkout form with bad types, autocomplete and labels
    no_trust: bool = False  # no security cue, logos, returns/privacy/contact, reviews, delivery info
    late_fees: bool = False  # shipping and fees appear only on the payment step
    xss: bool = False  # one product name carries a markup payload (the shop escapes it)

    def __post_init__(self) -> None:
        delays = dict(self.slow)
        for stage, ms in delays.items():
            if stage not in SLOW_STAGES:
                raise ValueError(f"slow: unknown stage {stage!r}; valid stages: {', '.join(SLOW_STAGES)}")
            if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
                raise ValueError(f"slow: delay for {stage!r} must be a whole number of ms ≥ 0, got {ms!r}")
        # A read-only view keeps the frozen promise: nobody can slow a running shop by mutation.
        object.__setattr__(self, "slow", MappingProxyType(delays))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.slow.items())),) + tuple(getattr(self, f) for f in FLAGS))

    def delay_ms(self, stage: str | None) -> int:
        return self.slow.get(stage, 0) if stage else 0

    def describe(self) -> str:
        """A short string that ``parse_toggles`` reads back to an equal ``Toggles``."""
        parts = []
        if self.slow:
            parts.append("slow=" + ";".join(f"{stage}:{ms}" for stage, ms in self.slow.items()))
        parts += [name for name in FLAGS if getattr(self, name)]
        return ",".join(parts) or "none"


PROFILES: Mapping[str, Toggles] = MappingProxyType({
    "clean": Toggles(),
    # Delays above 2.5 s put TTFB, and with it LCP, past web.dev's "good" limit on those stages.
    "friction": Toggles(slow={"product": 2800, "payment": 2600}, account_wall=True, long_form=True,
                        no_trust=True, late_fees=True),
})


def parse_toggles(spec: str, base: Toggles | None = None) -> Toggles:
    """``"slow=product:1500;cart:300,account_wall,late_fees"`` → ``Toggles``, layered on ``base``.

    A bare name switches a toggle on; ``name=off`` switches it off (to thin out a profile).
    ``""`` and ``"none"`` add nothing. Unknown names raise ``ValueError`` listing the valid ones.
    """
    result = base or Toggles()
    for item in (part.strip() for part in spec.split(",")):
        if not item or item == "none":
            continue
        name, _, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        value = value.strip()
        if name not in TOGGLE_NAMES:
            raise ValueError(f"unknown toggle {name!r}; valid toggles: {', '.join(TOGGLE_NAMES)}")
        if name == "slow":
            result = replace(result, slow={**result.slow, **_parse_delays(value)})
        elif not value or value.lower() in _ON_WORDS:
            result = replace(result, **{name: True})
        elif value.lower() in _OFF_WORDS:
            result = replace(result, **{name: False})
        else:
            raise ValueError(f"toggle {name!r}: expected on or off, got {value!r}")
    return result


def _parse_delays(value: str) -> dict[str, int]:
    hint = "expected slow=STAGE:MS[;STAGE:MS…], e.g. slow=product:1500;cart:300"
    if not value:
        raise ValueError(f"slow: no delays given; {hint}")
    delays = {}
    for pair in value.split(";"):
        stage, sep, ms = pair.strip().partition(":")
        if not sep or not ms.strip().isdigit():
            raise ValueError(f"slow: bad delay {pair.strip()!r}; {hint}")
        stage = stage.strip().lower()
        if stage not in SLOW_STAGES:
            raise ValueError(f"slow: unknown stage {stage!r}; valid stages: {', '.join(SLOW_STAGES)}")
        delays[stage] = int(ms)
    return delays
