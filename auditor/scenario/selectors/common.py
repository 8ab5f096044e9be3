"""What the selector modules share: the error they raise and the JavaScript RegExp check."""
from __future__ import annotations

HINT = "see docs/scenario-format.md#selectors"
ATTR_MATCHERS = frozenset(("=", "~=", "|=", "^=", "$=", "*="))


class Invalid(Exception):
    def __init__(self, message: str, hint: str = HINT):
        super().__init__(message)
        self.message, self.hint = message, hint




def check_regex(pattern: str, flags: str, where: str) -> None:
    """What JavaScript refuses in any RegExp: unknown or repeated flags, a group or a character class left
    open, an unmatched ')', a trailing backslash. The rest of the pattern is not checked (JavaScript and
    Python regular expressions differ in too many places to judge one with the other)."""
    if any(f not in "dgimsuvy" for f in flags) or len(set(flags)) != len(flags):
        raise Invalid(f"invalid regular expression flags {flags!r} in {where!r}", "flags are d, g, i, m, s, u, v, y")
    depth, i, in_class = 0, 0, False
    problem = ""
    while i < len(pattern) and not problem:
        c = pattern[i]
        if c == "\\":
            problem = "it ends with a backslash" if i + 1 == len(pattern) else ""
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            problem = "it has an unmatched ')'" if depth < 0 else ""
        i += 1
    problem = problem or ("a character class [ is left open" if in_class else "") or (
        "a group ( is left open" if depth > 0 else "")
    if problem:
        raise Invalid(f"invalid regular expression /{pattern}/ in {where!r}: {problem}",
                      "escape special characters with a backslash, e.g. /\\(1\\)/")

