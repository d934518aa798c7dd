"""MkDocs hook: a page whose executed block fails stops the build, naming page and block.

markdown-exec reports a failing block as a warning and renders its traceback into the page.
This hook listens for those warnings while a page renders and, if one came, raises a
`PluginError` before the page is written: the build exits non-zero, the terminal names the
page and the block, and no page with a traceback (or a build path in it) is ever written.
"""

from __future__ import annotations

import logging
import re

from mkdocs.exceptions import PluginError

_FAILURE = re.compile(r"Execution of (\w+) code block (?:'([^']*)' )?exited with")


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.blocks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = _FAILURE.search(record.getMessage())
        if match:
            language, block = match.groups()
            error = record.getMessage().rstrip().splitlines()[-1].strip()
            self.blocks.append(f"{language} block '{block or '(no id)'}': {error}")


_failures = _Failures()


def on_startup(command: str, dirty: bool) -> None:
    logging.getLogger("mkdocs").addHandler(_failures)
    logging.getLogger("markdown_exec").addHandler(_failures)


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    _failures.blocks.clear()
    return markdown


def on_page_content(html: str, page, **kwargs) -> str:
    if _failures.blocks:
        blocks = "; ".join(_failures.blocks)
        _failures.blocks.clear()
        raise PluginError(f"page {page.file.src_uri}: executed {blocks}")
    return html
