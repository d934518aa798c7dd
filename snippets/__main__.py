"""`i2dl COMMAND` or `python -m snippets COMMAND`: the package's command line (`practice`, `exam`)."""

from __future__ import annotations

import argparse
import sys

from snippets.practice import cli as practice_cli


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage dump), exit status 2."""

    def error(self, message: str):
        self.exit(practice_cli.USAGE_ERROR, f"{self.prog}: error: {message}\n")


def parser(prog: str) -> argparse.ArgumentParser:
    """The command line, its usage and errors naming the program as `prog`."""
    top = OneLineParser(prog=prog, description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    practice = commands.add_parser(
        "practice",
        help="a fresh exam-style problem and its worked solution",
        description="Print a practice problem and its worked solution as Markdown, or as JSON.",
    )
    practice_cli.add_arguments(practice)
    exam = commands.add_parser(
        "exam",
        help="a fresh mock exam from a seed: questions, or with --key the answers too",
        description=(
            "Print a generated mock exam (the exam's parts and points, new numbers) as "
            "Markdown, with --key its answers and worked solutions, or with --json everything."
        ),
    )
    practice_cli.add_exam_arguments(exam)
    return top


# What each command runs on its parsed arguments.
RUNS = {"practice": practice_cli.run, "exam": practice_cli.run_exam}


def main(argv: list[str] | None = None, prog: str = practice_cli.SCRIPT) -> int:
    """Run one command. The console script calls this as it is; `python -m snippets` passes
    its own name, so that every message names the program as the reader typed it."""
    args = parser(prog).parse_args(argv)
    return practice_cli.main(args, prog=f"{prog} {args.command}", run=RUNS[args.command])


if __name__ == "__main__":
    sys.exit(main(prog=practice_cli.MODULE))
