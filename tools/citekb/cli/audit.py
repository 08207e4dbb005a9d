"""``citekb audit``: ask Crossref for notices on every DOI, and check that cited URLs answer.

The only command besides ``add --doi`` that uses the network, and only when run by hand: check
and build never call it. ``--api-base`` (or ``CITEKB_CROSSREF_API``) points it at another
server, such as a local one in tests. Exit codes: 0 nothing new and every lookup answered,
1 a new notice, a URL that does not answer or a failed lookup, 2 usage or config error.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from citekb.cli.edit import usage_on_config_error
from citekb.cli.net import HttpError, request
from citekb.cli.options import root_option
from citekb.project.atomic import write_atomic
from citekb.project.paths import read_inside
from citekb.sources.crossref import notices_from_response, updates_path
from citekb.sources.evidence import parse_evidence
from citekb.sources.notices import Notice, NoticeEditError, add_notices, new_notices

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.project.load import Project

#: Where Crossref's REST API lives; ``--api-base`` and ``CITEKB_CROSSREF_API`` override it.
CROSSREF_API = "https://api.crossref.org"
_HTTP = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_MAX_BYTES = 20_000_000


class Unreachable(Exception):
    """A request got no usable answer; the message says why, for a person."""


def user_agent(mailto: str = "") -> str:
    """``citekb/0.1.0 (citation audit)``, with ``mailto:`` for Crossref's polite pool."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("citekb")
    except PackageNotFoundError:
        number = "dev"
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"citekb/{number} (citation audit{contact})"


def get_json(url: str, timeout: float, agent: str) -> object:
    """GET ``url`` and parse JSON; every failure becomes :class:`Unreachable`.

    ``timeout`` bounds the whole request; a redirect is followed only on the same host.
    """

    try:
        body = request(url, timeout=timeout, headers={"User-Agent": agent}).body
    except HttpError as exc:
        raise Unreachable(str(exc)) from None
    if len(body) > _MAX_BYTES:
        raise Unreachable("the answer is larger than 20 MB")
    try:
        return json.loads(body)
    except ValueError:
        raise Unreachable("the answer is not JSON") from None


def url_answers(url: str, timeout: float, agent: str) -> str:
    """ "" when ``url`` answers with a status below 400 (HEAD, then GET); else why not.

    A redirect is an answer: it is not followed (it may lead anywhere).
    """

    for method in ("HEAD", "GET"):
        try:
            request(
                url,
                timeout=timeout,
                method=method,
                headers={"User-Agent": agent},
                limit=0,
                redirects=0,
            )
        except HttpError as exc:
            if method == "HEAD" and exc.status in {403, 405, 501}:
                continue  # some servers refuse HEAD only
            return str(exc)
        return ""
    return "no answer"  # pragma: no cover - the loop always returns


@dataclass
class Findings:
    """What the audit found: new notices by key, dead URLs and failed lookups."""

    notices: dict[str, list[Notice]] = field(default_factory=dict)
    dead: list[tuple[str, str, str]] = field(default_factory=list)  # key, url, why
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # key, doi, why


def audit_dois(project: Project, base: str, timeout: float, agent: str) -> Findings:
    """Every DOI in the library, with progress on stderr."""

    found = Findings()
    works = [
        (entry.key, doi)
        for entry in project.library.by_key.values()
        if _DOI.match(doi := _bare_doi(entry.get("doi")))
    ]
    for n, (key, doi) in enumerate(works, 1):
        click.echo(f"[{n}/{len(works)}] Crossref: {doi} ({key})", err=True)
        try:
            notices = notices_from_response(doi, get_json(base + updates_path(doi), timeout, agent))
        except (Unreachable, ValueError) as exc:
            found.failed.append((key, doi, str(exc)))
            continue
        record = project.evidence.get(key) if project.evidence else None
        fresh = new_notices(record.notices if record else (), notices)
        if fresh:
            found.notices[key] = fresh
    return found


def audit_urls(project: Project, found: Findings, timeout: float, agent: str) -> None:
    """Every cited work's ``url``, once each."""
    cited = dict.fromkeys(c.key for page in project.pages for c in page.citations)
    urls = [
        (key, url)
        for key in cited
        if (entry := project.library.get(key)) and _HTTP.match(url := entry.get("url").strip())
    ]
    for n, (key, url) in enumerate(urls, 1):
        click.echo(f"[{n}/{len(urls)}] URL: {url} ({key})", err=True)
        why = url_answers(url, timeout, agent)
        if why:
            found.dead.append((key, url, why))


def _bare_doi(value: str) -> str:
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)


def write_notices(
    project: Project, notices: dict[str, list[Notice]]
) -> tuple[list[str], list[str]]:
    """Record the notices in the evidence file atomically: (keys recorded, problems)."""
    import yaml

    if not project.config.evidence or project.evidence is None:
        return [], ["no evidence file was read (the `evidence` option), so nothing was written"]
    known = project.evidence
    problems = [
        f"{key}: no evidence record to add notices to" for key in notices if key not in known
    ]
    wanted = {k: v for k, v in notices.items() if k in known}
    if not wanted:
        return [], problems
    path = project.root / project.config.evidence
    shown = project.config.evidence
    try:
        text = read_inside(path, project.root).decode("utf-8")  # never through a link out
        new = add_notices(text, wanted)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [*problems, f"{shown}: cannot read: {exc}"]
    except (NoticeEditError, yaml.YAMLError, ValueError, RecursionError) as exc:
        return [], [*problems, f"{shown}: cannot add the notices: {exc}"]
    evidence, trouble = parse_evidence(new, shown)
    recorded = all(
        (record := evidence.get(k)) is not None
        and all(any(n.same(m) for m in record.notices) for n in v)
        for k, v in wanted.items()
    )
    if trouble or not recorded:
        return [], [*problems, f"{shown}: the notices could not be added safely; add them by hand"]
    try:
        write_atomic(path, new)
    except OSError as exc:
        return [], [*problems, f"{shown}: cannot write: {exc.strerror or exc}"]
    return list(wanted), problems


@click.command("audit")
@root_option
@click.option("--write", is_flag=True, help="Record new notices in the evidence file.")
@click.option(
    "--api-base",
    envvar="CITEKB_CROSSREF_API",
    default=CROSSREF_API,
    show_default=True,
    help="Crossref REST API address (env: CITEKB_CROSSREF_API).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=15.0,
    show_default=True,
    help="Seconds for each request, from connecting to the last byte.",
)
@click.option("--no-urls", is_flag=True, help="Skip checking that cited URLs answer.")
@click.option(
    "--mailto",
    envvar="CITEKB_MAILTO",
    default="",
    help="Your e-mail address, sent to Crossref as its etiquette asks (env: CITEKB_MAILTO).",
)
def audit(
    root: Path, write: bool, api_base: str, timeout: float, no_urls: bool, mailto: str
) -> None:
    """Online: ask Crossref for retractions and corrections of every DOI in the library, and
    check that each cited URL still answers. Never run by check or build."""
    from citekb.project.load import load_project  # lazy: the project stack; keeps --help fast

    if not _HTTP.match(api_base):
        raise click.BadParameter("must be an http(s) address", param_hint="--api-base")
    with usage_on_config_error():
        project = load_project(root.resolve())
    agent = user_agent(mailto.strip())
    found = audit_dois(project, api_base.rstrip("/"), timeout, agent)
    if not no_urls:
        audit_urls(project, found, timeout, agent)
    for key, notices in found.notices.items():
        for notice in notices:
            where = f": {notice.url}" if notice.url else ""
            click.echo(f"{key}: new notice: {notice.label}{where}")
    for key, url, why in found.dead:
        click.echo(f"{key}: URL does not answer: {url} ({why})")
    for key, doi, why in found.failed:
        click.echo(f"{key}: Crossref lookup failed for {doi}: {why}")
    if write and found.notices:
        recorded, problems = write_notices(project, found.notices)
        for problem in problems:
            click.echo(f"not recorded: {problem}", err=True)
        if recorded:
            shown = project.config.evidence
            click.echo(f"recorded new notices of {', '.join(recorded)} in {shown}", err=True)
    changed = bool(found.notices or found.dead or found.failed)
    if not changed:
        click.echo("no new notices; every cited URL answered", err=True)
    sys.exit(1 if changed else 0)
