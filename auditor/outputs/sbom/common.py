"""What both SBOM formats decide the same way: scopes, hashes, roots, sources.

Scopes (CycloneDX ``scope``): ``main`` → required; ``optional`` and ``peer`` (extras,
optional and peer dependencies, installed only on request) → optional; ``dev`` and
dependency groups (``group:NAME``: tests, docs, lint) → excluded, the spec's word for
"test and other non-runtime purposes". A package in several scopes takes the strongest.

Hashes: each ecosystem's digest of the downloaded artefact maps to the standard algorithm.
Go's ``h1`` checksums (a SHA-256 over a listing of the module's files, not of a file) and
yarn berry's cache checksums (of yarn's re-packed archive) do not describe the artefact in
a way the standards can name, so they are carried as properties (CycloneDX) or left out
(SPDX).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from auditor.core.model import Hash, Package, SourceKind

Json = dict[str, Any]
REQUIRED, OPTIONAL, EXCLUDED = "required", "optional", "excluded"
_OPTIONAL_SCOPES = ("optional", "peer")


def scope_of(scopes: tuple[str, ...]) -> str:
    """The CycloneDX scope for a package's scopes (empty: main)."""
    if not scopes or "main" in scopes:
        return REQUIRED
    if any(s in _OPTIONAL_SCOPES or s.startswith("extra:") for s in scopes):
        return OPTIONAL
    return EXCLUDED


# (our algorithm, hex length or 0 for any) → the standard's name
_CYCLONEDX = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3-256": "SHA3-256",
    "sha3-384": "SHA3-384",
    "sha3-512": "SHA3-512",
    "blake3": "BLAKE3",
}
_SPDX = {
    "md5": "MD5",
    "sha1": "SHA1",
    "sha224": "SHA224",
    "sha256": "SHA256",
    "sha384": "SHA384",
    "sha512": "SHA512",
    "sha3-256": "SHA3-256",
    "sha3-384": "SHA3-384",
    "sha3-512": "SHA3-512",
    "blake3": "BLAKE3",
}
_DIGEST_HEX = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}


def _blake2b(value: str) -> str | None:
    bits = len(value) * 4
    return f"BLAKE2b-{bits}" if bits in (256, 384, 512) else None


def _valid(digest: Hash) -> bool:
    expected = _DIGEST_HEX.get(digest.algorithm)
    return expected is None or len(digest.value) == expected


def cyclonedx_algorithm(digest: Hash) -> str | None:
    """CycloneDX's name for the algorithm, or None when it cannot be represented."""
    if not _valid(digest):
        return None
    if digest.algorithm == "blake2b":
        return _blake2b(digest.value)
    return _CYCLONEDX.get(digest.algorithm)


def spdx_algorithm(digest: Hash) -> str | None:
    """SPDX's name for the algorithm, or None when it cannot be represented."""
    if not _valid(digest):
        return None
    if digest.algorithm == "blake2b":
        return _blake2b(digest.value)
    return _SPDX.get(digest.algorithm)


def download_location(package: Package) -> str | None:
    """Where the package is fetched from when the lockfile says: VCS or URL sources."""
    source = package.source
    if not source.url:
        return None
    if source.kind is SourceKind.GIT:
        url = source.url if source.url.startswith("git+") else f"git+{source.url}"
        return f"{url}@{source.reference}" if source.reference else url
    if source.kind is SourceKind.URL:
        return source.url
    return None


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in text)


def json_object(members: Json) -> Json:
    """A JSON object without its absent (None) or empty-list members, keys sorted: the
    order cyclonedx-python-lib wrote, kept so documents compare byte for byte."""
    return {
        key: value for key in sorted(members) if (value := members[key]) is not None and value != []
    }
