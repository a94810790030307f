"""Tokens: the secret part of a private link (a portal or the studio's
dashboard). One place says what a good one is and how to make one."""

from __future__ import annotations

import re
import secrets

#: 16 random bytes: 128 bits, 22 URL-safe characters.
TOKEN_BYTES = 16
#: A token's characters: URL-safe base64.
_TOKEN_CHARACTER = "[A-Za-z0-9_-]"
#: At most 64: a token is a folder name, which every file system must take.
TOKEN_PATTERN = re.compile(_TOKEN_CHARACTER + "{22,64}")
#: A run of token characters long enough to be one, however long it goes on.
_TOKEN_LIKE = re.compile(_TOKEN_CHARACTER + "{22,}")
#: A random 22-character token has about 19 different characters; fewer
#: than this means someone typed it.
MIN_DISTINCT_CHARACTERS = 12


def masked(text: str) -> str:
    """``text`` with every run of characters that could be a token shown as
    "…": for text that leaves its page (a message about a problem)."""
    return _TOKEN_LIKE.sub("…", text)


def new_token() -> str:
    """A fresh token that starts with a letter, so YAML can never read it as
    a number or a list item: 21 random characters and a letter, 131 bits."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalpha():
            return token


def token_problem(token: str) -> str | None:
    """Why ``token`` is not good enough, or None."""
    if not TOKEN_PATTERN.fullmatch(token):
        return "a token is 22 to 64 URL-safe characters (A-Z a-z 0-9 _ -)"
    if len(set(token)) < MIN_DISTINCT_CHARACTERS:
        return ("does not look random (too few different characters); a token must be as "
                "hard to guess as a password")
    return None
