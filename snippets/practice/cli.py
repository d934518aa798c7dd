"""`i2dl practice KIND (--seed N | --exam) [--json]`: a problem and its solution.

Like a page, this module only calls and prints: problems come from the generators, Markdown
from `snippets.render.practice`, JSON from `snippets.practice.schema`. Every mistake in the
arguments is one line on stderr that lists the valid choices, and exit status 2. It reads
no file beside the package, so an installed wheel runs it as a clone does.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from snippets.practice.registry import NAMES
from snippets.practice.schema import dumps, record
from snippets.practice.seeds import SEED_RANGE, check_seed

USAGE_ERROR = 2
# The program's two names: the console script that installing the package puts on PATH, and
# the module, which runs wherever the package can be imported.
SCRIPT = "i2dl"
MODULE = "python -m snippets"


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the `practice` command."""
    parser.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(NAMES)}")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seed", metavar="N", help=f"the problem's seed, {SEED_RANGE}")
    which.add_argument("--exam", action="store_true", help="the mock exam's own instance")
    parser.add_argument(
        "--json", action="store_true", help="print machine-readable JSON instead of Markdown"
    )


def parse_seed(text: str) -> int:
    """A seed typed on the command line: digits only, then the range check."""
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise UsageError(f"seed must be {SEED_RANGE}, got {text!r}")
    try:
        return check_seed(int(text))
    except ValueError:
        raise UsageError(f"seed must be {SEED_RANGE}, got {text!r}") from None


def run(args: argparse.Namespace) -> str:
    """The text to print for parsed arguments; UsageError for a bad kind or seed."""
    if args.kind not in NAMES:
        raise UsageError(f"unknown kind {args.kind!r}; choose one of: {', '.join(NAMES)}")
    if args.seed is None and not args.exam:
        raise UsageError(f"give --seed N ({SEED_RANGE}) or --exam")
    seed = None if args.exam else parse_seed(args.seed)
    if args.json:
        return dumps(record(args.kind, seed))
    from snippets.render.practice import terminal_markdown  # matplotlib only for Markdown

    return terminal_markdown(args.kind, seed)


def main(args: argparse.Namespace, prog: str) -> int:
    """Print the problem (Markdown or JSON); one line on stderr, naming the program as `prog`,
    and status 2 for bad input."""
    try:
        text = run(args)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader stopped early (`| head`): no traceback. Python flushes stdout again at
        # exit, which would fail the same way, so stdout is pointed at the null device first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
