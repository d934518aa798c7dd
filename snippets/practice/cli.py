"""`i2dl practice KIND (--seed N | --exam) [--json]`: a problem and its solution; and
`i2dl exam --seed N [--key | --json]`: a generated mock exam.

Like a page, this module only calls and prints: problems come from the generators, Markdown
from `snippets.render.practice` (kinds with a page) or `snippets.render.pooling` (kinds
without one yet), JSON from `snippets.practice.schema`; exams come from `snippets.mockexam`
and `snippets.render.mockexam`. Every mistake in the arguments is one line on stderr that
lists the valid choices, and exit status 2. It reads no file beside the package, so an
installed wheel runs it as a clone does.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable

from snippets.practice.registry import ALL_NAMES, kind
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
    parser.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(ALL_NAMES)}")
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


def markdown(name: str, seed: int | None) -> str:
    """The terminal Markdown of kind `name` for `seed`: from the page renderer of a kind with
    a page, from `snippets.render.pooling` for the kinds without one yet."""
    if kind(name).page:
        from snippets.render.practice import terminal_markdown  # matplotlib only for Markdown
    else:
        from snippets.render.pooling import terminal_markdown
    return terminal_markdown(name, seed)


def run(args: argparse.Namespace) -> str:
    """The text to print for parsed arguments; UsageError for a bad kind or seed."""
    if args.kind not in ALL_NAMES:
        raise UsageError(f"unknown kind {args.kind!r}; choose one of: {', '.join(ALL_NAMES)}")
    if args.seed is None and not args.exam:
        raise UsageError(f"give --seed N ({SEED_RANGE}) or --exam")
    seed = None if args.exam else parse_seed(args.seed)
    if args.json:
        return dumps(record(args.kind, seed))
    return markdown(args.kind, seed)


# --- i2dl exam ----------------------------------------------------------------------------------


def add_exam_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the `exam` command."""
    parser.add_argument("--seed", metavar="N", help=f"the exam's seed, {SEED_RANGE}")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--key", action="store_true", help="add the answers and worked solutions")
    which.add_argument(
        "--json", action="store_true", help="print every question, answer and points as JSON"
    )


def run_exam(args: argparse.Namespace) -> str:
    """The generated exam for parsed arguments; UsageError for a missing or bad seed."""
    if args.seed is None:
        raise UsageError(f"give --seed N ({SEED_RANGE})")
    from snippets import mockexam  # the exam imports every practice kind

    exam = mockexam.exam(parse_seed(args.seed))
    if args.json:
        return dumps(mockexam.record(exam))
    from snippets.render.mockexam import exam_markdown  # matplotlib only for Markdown

    return exam_markdown(exam, key=args.key)


def main(
    args: argparse.Namespace, prog: str, run: Callable[[argparse.Namespace], str] = run
) -> int:
    """Print what `run` makes of the arguments (Markdown or JSON); one line on stderr, naming
    the program as `prog`, and status 2 for bad input."""
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
