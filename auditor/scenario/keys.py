"""Key names for ``press:``, as Playwright's keyboard knows them (server/usKeyboardLayout.ts, input.ts).

A key is a code name (``Enter``, ``KeyA``, ``ArrowDown``, ``Numpad1``), a character the US layout types
(``a``, ``A``, ``!``), or a modifier (``Shift``, ``Control``, ``Alt``, ``Meta``, ``ControlOrMeta``); a combo joins
them with ``+`` (``Control+A``, ``Shift+Tab``). Names are case-sensitive: ``enter`` is not a key.
"""
from __future__ import annotations

import difflib
import string

__all__ = ["KEYS", "key_problem"]

# Code names whose key is not a character they type.
_NAMED = (
    "Escape", *(f"F{n}" for n in range(1, 13)), "Backspace", "Tab", "CapsLock", "Enter", "ShiftLeft", "ShiftRight",
    "ControlLeft", "ControlRight", "MetaLeft", "MetaRight", "AltLeft", "AltRight", "AltGraph", "ContextMenu", "Space",
    "PrintScreen", "ScrollLock", "Pause", "PageUp", "PageDown", "Insert", "Delete", "Home", "End", "ArrowLeft",
    "ArrowUp", "ArrowRight", "ArrowDown", "AudioVolumeMute", "AudioVolumeDown", "AudioVolumeUp", "MediaTrackNext",
    "MediaTrackPrevious", "MediaPlayPause", "NumLock", "NumpadDivide", "NumpadMultiply", "NumpadSubtract",
    "NumpadAdd", "NumpadDecimal", "NumpadEnter", *(f"Numpad{n}" for n in range(10)))
# Code name → the character it types, and with Shift.
_TYPING = {
    "Backquote": "`~", "Minus": "-_", "Equal": "=+", "Backslash": "\\|", "BracketLeft": "[{", "BracketRight": "]}",
    "Semicolon": ";:", "Quote": "'\"", "Comma": ",<", "Period": ".>", "Slash": "/?",
    **{f"Digit{d}": d + s for d, s in zip("1234567890", "!@#$%^&*()", strict=True)},
    **{f"Key{c.upper()}": c + c.upper() for c in string.ascii_lowercase},
}
_ALIASES = ("Shift", "Control", "Alt", "Meta", "ControlOrMeta", " ", "\n", "\r")
KEYS = frozenset((*_NAMED, *_TYPING, *"".join(_TYPING.values()), *_ALIASES))
_SUGGEST = sorted(k for k in KEYS if len(k) > 1 and k.strip())
HINT = "keys are Playwright's names: Enter, Tab, Escape, ArrowDown, a, A, Control+A… (see docs/scenario-format.md#keys)"


def split_combo(combo: str) -> list[str]:
    """``Control+Shift+A`` → its keys; a ``+`` that starts a key is the key itself (``Shift++``)."""
    keys, building = [], ""
    for ch in combo:
        if ch == "+" and building:
            keys.append(building)
            building = ""
        else:
            building += ch
    keys.append(building)
    return keys


def key_problem(combo: str) -> tuple[str, str] | None:
    """None when Playwright can press ``combo``, else (what is wrong, a hint)."""
    for key in split_combo(combo):
        if key in KEYS:
            continue
        if not key:
            return f"{combo!r} ends with '+': a key is missing after it", "e.g. Control+A"
        same = [k for k in _SUGGEST if k.lower() == key.lower()]
        close = same or difflib.get_close_matches(key, _SUGGEST, n=1, cutoff=0.75)
        what = f"unknown key {key!r}" + (f" in {combo!r}" if key != combo else "")
        return what, (f"did you mean {close[0]!r}? " if close else "") + HINT
    return None
