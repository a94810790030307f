"""Password protection for a portal page: encrypted at build time, opened in
the browser.

AES-256-GCM under a key derived with PBKDF2-HMAC-SHA256 (600,000 iterations,
OWASP's 2023 figure) from the password in the environment variable the
project names. The browser's Web Crypto API does the same derivation and
decryption (``unlock.js``); nothing else is needed.

Two choices keep builds reproducible without weakening the scheme:

- The salt is derived from the portal's token, which is 128+ random bits
  from ``secrets``: it is as unpredictable as a random salt, unique to the
  portal, and stable across builds, so a key remembered on a device keeps
  working until the token is rotated.
- The nonce is the first 96 bits of HMAC-SHA256(key, plaintext), the
  "synthetic IV" construction: two different pages never share a nonce under
  one key, and the same page gives the same bytes. (What it reveals is only
  whether two builds of a page were identical, which the site shows anyway.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

ITERATIONS = 600_000
#: Bound into every ciphertext: a sealed page cannot pass for another format.
ASSOCIATED_DATA = b"courtside/portal/v1"


@dataclass(frozen=True)
class Sealed:
    salt: bytes
    nonce: bytes
    ciphertext: bytes  # with GCM's 16-byte tag at the end, as Web Crypto expects
    iterations: int = ITERATIONS

    def attributes(self) -> dict[str, str]:
        """What the page carries, base64-encoded."""
        return {
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
            "iterations": str(self.iterations),
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def salt_for(token: str) -> bytes:
    return hashlib.sha256(b"courtside/portal-salt\0" + token.encode()).digest()[:16]


def derive_key(password: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(password.encode("utf-8"))


def seal(plaintext: bytes, password: str, salt: bytes, iterations: int = ITERATIONS) -> Sealed:
    key = derive_key(password, salt, iterations)
    nonce = hmac.new(key, plaintext, hashlib.sha256).digest()[:12]
    return Sealed(salt, nonce, AESGCM(key).encrypt(nonce, plaintext, ASSOCIATED_DATA), iterations)


def unseal(sealed: Sealed, password: str) -> bytes:
    """The plaintext; raises ``cryptography.exceptions.InvalidTag`` for a
    wrong password or a ciphertext that was changed."""
    key = derive_key(password, sealed.salt, sealed.iterations)
    return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, ASSOCIATED_DATA)
