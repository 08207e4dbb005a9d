"""The ``citekb`` command line: a thin layer that reads files, calls the core and prints."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="citekb")
def main() -> None:
    """Check, render and publish a citation-backed Markdown knowledge base."""
