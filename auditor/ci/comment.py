"""The pull-request comment: one comment per pull request holding the report's Markdown
summary (new findings first, marked), posted on the first run and updated on every later
one, through the GitHub REST API with the job's token.

The comment is found again by a hidden marker (``<!-- auditor:pull-request-comment -->``)
in a comment a bot wrote (``github-actions[bot]`` for the job token), so a marker pasted into
someone's own comment is never taken over. The API's address is ``$GITHUB_API_URL`` (GitHub
Enterprise Server sets its own), the repository ``$GITHUB_REPOSITORY``, the pull request's
number is read from the event (``$GITHUB_EVENT_PATH``). The token goes in a header only and
is never printed. A comment that cannot be written (a fork's read-only token, a missing
``pull-requests: write`` permission, an API error) is one warning: it never fails the job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor.core.errors import AuditorError, SourceError
from auditor.net.client import HttpClient
from auditor.net.config import NetConfig

MARKER = "<!-- auditor:pull-request-comment -->"
DEFAULT_API_URL = "https://api.github.com"
BODY_LIMIT = 65_536  # GitHub's limit for a comment body, in characters
PAGE = 100
MAX_PAGES = 30  # 3,000 comments: a pull request with more is past reading


@dataclass(frozen=True, kw_only=True)
class Posted:
    action: str  # "created" or "updated"
    comment_id: int
    url: str


class CommentError(AuditorError):
    """The comment could not be written (the step warns and goes on)."""


def pull_request_number(env: Mapping[str, str]) -> int | None:
    """The number of the event's pull request, or None outside a pull-request event."""
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    number = pull.get("number") if isinstance(pull, dict) else None
    if number is None and isinstance(event, dict):
        number = event.get("number")
    return number if isinstance(number, int) and number > 0 else None


def body(summary: str) -> str:
    """The comment: the marker, then the summary, cut to GitHub's limit."""
    text = f"{MARKER}\n{summary.rstrip()}\n"
    if len(text) <= BODY_LIMIT:
        return text
    note = "\n\n_The summary was cut to fit a comment; the job summary holds all of it._\n"
    return text[: BODY_LIMIT - len(note)] + note


def post_or_update(
    env: Mapping[str, str], number: int, text: str, *, net: NetConfig | None = None
) -> Posted:
    """Create the pull request's comment, or update the one an earlier run wrote."""
    token = env.get("AUDITOR_GITHUB_TOKEN", "").strip()
    repository = env.get("GITHUB_REPOSITORY", "").strip()
    if not token:
        raise CommentError("no token: AUDITOR_GITHUB_TOKEN is empty")
    if repository.count("/") != 1:
        raise CommentError(f"GITHUB_REPOSITORY {repository[:100]!r} is not owner/name")
    api = (env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/")
    base = f"{api}/repos/{quote(repository, safe='/')}"
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    payload = {"body": body(text)}
    with HttpClient(net or NetConfig(cache_dir=None)) as client:
        try:
            found = _existing(client, base, number, headers)
            if found is None:
                answer = client.request(
                    "POST", f"{base}/issues/{number}/comments", headers=headers, json_body=payload
                ).json()
                action = "created"
            else:
                answer = client.request(
                    "PATCH", f"{base}/issues/comments/{found}", headers=headers, json_body=payload
                ).json()
                action = "updated"
        except SourceError as exc:
            raise CommentError(_reason(exc)) from None
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), int):
        raise CommentError("the API's answer names no comment")
    return Posted(action=action, comment_id=answer["id"], url=str(answer.get("html_url", "")))


def _existing(client: HttpClient, base: str, number: int, headers: Mapping[str, str]) -> int | None:
    """The id of the comment an earlier run wrote, if any (oldest first)."""
    for page in range(1, MAX_PAGES + 1):
        comments = client.request(
            "GET",
            f"{base}/issues/{number}/comments",
            params={"per_page": str(PAGE), "page": str(page)},
            headers=headers,
            cache=False,
        ).json()
        if not isinstance(comments, list):
            raise CommentError("the API's list of comments is not a list")
        for item in comments:
            if _ours(item):
                return int(item["id"])
        if len(comments) < PAGE:
            return None
    return None


def _ours(item: Any) -> bool:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        return False
    user = item.get("user")
    bot = isinstance(user, dict) and user.get("type") == "Bot"
    text = item.get("body")
    return bot and isinstance(text, str) and text.startswith(MARKER)


def _reason(exc: SourceError) -> str:
    status = getattr(exc, "status", None)
    if status in (401, 403, 404):
        return (
            f"HTTP {status}: the token cannot comment here (a pull request from a fork, or "
            "the job lacks pull-requests: write)"
        )
    return str(exc)[:300]
