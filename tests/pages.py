"""The practice pages and their solutions, each rendered once per test process.

Rendering them (figures as SVG) is most of the fast set's time, and several tests read the
same page or the same seed's solution: tests/test_practice.py and tests/test_practice_cli.py
take them from here. The functions are pure, so a cached text is the text.
"""

from __future__ import annotations

import functools

from snippets.render import practice as render

page = functools.cache(render.variants)  # kind -> every variant of its practice page
solution = functools.cache(render.solution)  # (kind, seed) -> the worked solution(s)
