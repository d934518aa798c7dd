"""The build's knowledge of the repository: the tests behind a function, and its math."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from snippets import backprop, conv, logistic
from snippets.mdext import evidence
from snippets.mdext.evidence import (
    SuiteIndex,
    SuiteTest,
    anchor,
    key_lines,
    parse_test_file,
    resolve,
)
from snippets.render.verification import FunctionChecks, PageChecks, verification

ROOT = Path(__file__).resolve().parent.parent
RENDER = ROOT / "snippets" / "render"


@pytest.fixture(scope="module")
def index() -> SuiteIndex:
    return SuiteIndex.read()


def test_the_index_finds_the_tests_that_call_a_function(index):
    found = {case.id for case in index.checking(logistic.descent_step)}
    assert "tests/test_logistic.py::test_small_step_lowers_the_loss" in found
    assert "tests/test_evidence.py::test_the_index_finds_the_tests_that_call_a_function" in found


def test_a_name_counts_only_in_files_importing_its_module():
    source = "from snippets import conv\n\ndef test_x():\n    forward(1)\n"
    (case,) = parse_test_file("tests/test_x.py", source)
    assert "forward" in case.names
    assert "snippets.backprop" not in case.imports  # so backprop.forward is not checked here
    assert SuiteIndex((case,)).checking(backprop.forward) == []


def test_constants_stand_for_the_names_they_are_built_from():
    source = (
        "from snippets import logistic\nCASES = [logistic.sigmoid]\n\n"
        "def test_x(f=CASES):\n    assert CASES\n"
    )
    (case,) = parse_test_file("tests/test_x.py", source)
    assert "sigmoid" in case.names


def test_witness_kinds_are_told_apart():
    source = (
        "import pytest\nfrom hypothesis import given\n\n"
        "@given(x=1)\ndef test_a(x):\n    pass\n\n"
        "def test_answer_key_b():\n    pass\n\n"
        "@pytest.mark.parametrize('x', [1])\ndef test_c(x):\n    pass\n\n"
        "def test_d():\n    '''Says what.'''\n"
    )
    cases = {case.name: case for case in parse_test_file("tests/test_x.py", source)}
    assert cases["test_a"].witness == "property over generated inputs"
    assert cases["test_answer_key_b"].witness == "the exam's published answer"
    assert cases["test_c"].witness == "a table of cases"
    assert cases["test_d"].witness == "an example"
    assert cases["test_d"].claim == "d: Says what."


def test_key_lines_leave_out_the_docstring_and_the_argument_checks():
    text = key_lines(conv.output_size)
    source = Path(conv.__file__).read_text(encoding="utf-8")
    assert '"""' not in text
    assert "raise ValueError" not in text
    assert "raise ValueError" in source  # the function does check its arguments
    assert text.startswith("def output_size(")
    assert "return" in text


def test_key_lines_keep_every_line_of_the_math():
    # Whatever is left out is a docstring or a check: the kept lines, in order, are lines
    # of the source, and the function's statements that compute stay.
    function = logistic.descent_step
    kept = key_lines(function).splitlines()
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(function)).splitlines()
    it = iter(source)
    # Every kept line is a line of the source, in order; the closing return that only packs
    # the results is shortened to its class.
    assert kept[-1].strip() == "return LogisticStep(...)"
    assert all(any(line == s for s in it) for line in kept[:-1])
    tree = ast.parse("\n".join(source)).body[0]
    assigned = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}  # fmt: skip
    assert {"grad_z", "grad_w", "w_new", "b_new"} <= assigned
    assert all(any(line.strip().startswith(f"{name} =") for line in kept) for name in assigned)


def test_resolve_finds_functions_and_refuses_other_names():
    assert resolve("snippets.logistic.descent_step") is logistic.descent_step
    with pytest.raises(ValueError, match=r"^name 'snippets.exam.MINUTES' is not a function"):
        resolve("snippets.exam.MINUTES")


def test_anchors_are_plain_ids():
    assert anchor("snippets.logistic.descent_step") == "fn-snippets-logistic-descent_step"


def test_verification_page_anchors_each_function_once_and_counts_tests(index):
    tests = tuple(index.checking(logistic.sigmoid))
    entry = FunctionChecks("snippets.logistic.sigmoid", tests)
    pages = [
        PageChecks("Part III", "part-3.md", (entry,)),
        PageChecks("Practice", "p.md", (entry,)),
    ]
    text = verification(pages, site=tests[:1])
    assert text.count(f'id="{anchor(entry.name)}"') == 1
    assert "**1 functions**" not in text
    assert "**1 function**" in text
    assert f"{len(tests)} tests" in text


def test_no_renderer_opens_a_file():
    """Renderers take data and return text: none reads a file or the source of a function."""
    forbidden = {"open", "read_text", "read_bytes", "getsource", "glob", "iterdir", "listdir",
                 "__file__", "walk"}  # fmt: skip
    found = []
    for path in sorted(RENDER.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = (
                node.id if isinstance(node, ast.Name)
                else node.attr if isinstance(node, ast.Attribute) else None
            )  # fmt: skip
            if name in forbidden:
                found.append(f"{path.name}:{node.lineno} {name}")
            if isinstance(node, ast.ImportFrom) and node.module in ("pathlib", "os", "io"):
                found.append(f"{path.name}:{node.lineno} imports {node.module}")
            if isinstance(node, ast.Import) and {a.name for a in node.names} & {"os", "pathlib"}:
                found.append(f"{path.name}:{node.lineno} imports os/pathlib")
    assert found == []


def test_evidence_module_reads_the_real_tests_folder():
    assert evidence.TESTS == ROOT / "tests"


class FakeFile:
    src_uri = "chapter.md"


class FakePage:
    title = "Chapter"
    url = "chapter.html"
    file = FakeFile()


def test_the_build_fills_how_we_know_with_the_math_and_a_link(index):
    from snippets.mdext import hooks
    from snippets.render import markdown as md

    hooks._state.update(index=index, cited={}, text={}, titles={})
    html = "<p>" + md.how_we_know(logistic.sigmoid).split("\n\n", 1)[1].strip() + "</p>"
    filled = hooks.on_page_content(html, page=FakePage(), config=None, files=None)
    import re

    assert "def sigmoid(" in re.sub(r"<[^>]+>", "", filled)  # highlighted code, tags aside
    assert f'href="verification.html#{anchor("snippets.logistic.sigmoid")}"' in filled
    assert "data-search-exclude" in filled
    assert hooks._state["cited"]["chapter.md"][2] == ["snippets.logistic.sigmoid"]


def test_a_function_no_test_checks_stops_the_build_naming_the_page():
    from mkdocs.exceptions import PluginError

    from snippets.mdext import hooks
    from snippets.render import markdown as md

    hooks._state.update(index=SuiteIndex(()), cited={}, text={}, titles={})
    html = md.how_we_know(logistic.sigmoid).split("\n\n", 1)[1].strip()
    with pytest.raises(
        PluginError, match=r"page 'chapter\.md': snippets\.logistic\.sigmoid is not"
    ):
        hooks.on_page_content(html, page=FakePage(), config=None, files=None)


def test_claim_marks_are_read_from_the_tests():
    source = (
        "import pytest\n\n"
        "@pytest.mark.claim('part-3.md', 'The gradient is the prediction error')\n"
        "def test_x():\n    pass\n"
    )
    (case,) = parse_test_file("tests/test_x.py", source)
    assert case.claims == (("part-3.md", "The gradient is the prediction error"),)
    assert SuiteIndex((case,)).claims() == {
        "part-3.md": [("The gradient is the prediction error", case)]
    }


def test_unchecked_sentences_are_read_as_data(tmp_path):
    path = tmp_path / "claims.py"
    path.write_text("UNCHECKED: dict = {'a.md': (('It is nice.', 'a matter of taste'),)}\n")
    assert evidence.read_unchecked(path) == {"a.md": (("It is nice.", "a matter of taste"),)}


def test_plain_text_leaves_out_mathml_and_code():
    html = (
        '<p>A <span class="katex"><span class="katex-mathml"><math><mi>t</mi></math></span>'
        '<span class="katex-html">t</span></span> is here.</p><pre><code>x = 1</code></pre>'
    )
    assert evidence.plain_text(html) == "A t is here."


def test_plain_text_reads_a_figure_by_its_text_alternative():
    html = '<figure><svg role="img" aria-label="A curve rising."><text>0.5</text></svg></figure>'
    assert evidence.plain_text(html) == "A curve rising."


def test_a_sentence_checked_by_several_tests_counts_once():
    from snippets.mdext.hooks import _by_sentence

    claims = [("s", SuiteTest("m", "a", "", "", frozenset(), frozenset())),
              ("t", SuiteTest("m", "b", "", "", frozenset(), frozenset())),
              ("s", SuiteTest("m", "c", "", "", frozenset(), frozenset()))]  # fmt: skip
    assert _by_sentence(claims) == [("s", ("m::a", "m::c")), ("t", ("m::b",))]


def test_a_claim_no_longer_on_its_page_stops_the_build():
    from mkdocs.exceptions import PluginError

    from snippets.mdext import hooks

    source = (
        "import pytest\n\n@pytest.mark.claim('a.md', 'It always holds.')\ndef test_x():\n    pass\n"
    )
    hooks._state.update(
        index=SuiteIndex(tuple(parse_test_file("tests/test_x.py", source))),
        unchecked={},
        text={"a.md": "It holds sometimes."},
        titles={"a.md": "A"},
    )

    class Verification:
        class file:
            src_uri = "verification.md"

    with pytest.raises(PluginError, match=r"page 'a\.md' no longer says 'It always holds\.'"):
        hooks._claims(Verification())


def test_claims_line_counts_checked_of_all_checkable_sentences():
    from snippets.render.verification import ClaimsOfPage, claims_line

    pages = [
        ClaimsOfPage("A", "a.md", (("s1", ("t1", "t1b")), ("s2", ("t2",))), (("s3", "why"),)),
        ClaimsOfPage("B", "b.md", (("s4", ("t4",)),)),
    ]
    assert claims_line(pages).startswith("**Claims checked: 3 of 4 sentences**")


def test_key_lines_shorten_a_return_that_only_packs_names():
    text = key_lines(backprop.backward)
    assert text.rstrip().endswith("return Backward(...)")
    assert "grad_weights=" not in text  # the packing is gone...
    assert "grad_weights = {" in text  # ...what it packs stays


def test_a_claim_may_name_its_pages_by_a_pattern():
    from snippets.mdext import hooks

    source = (
        "import pytest\n\n@pytest.mark.claim('practice/*.md', 'Same on every visit.')\n"
        "def test_x():\n    pass\n"
    )
    hooks._state.update(
        index=SuiteIndex(tuple(parse_test_file("tests/test_x.py", source))),
        unchecked={},
        text={"practice/a.md": "Same on every visit.", "practice/b.md": "Same on every visit.",
              "index.md": "Home."},
        titles={"practice/a.md": "A", "practice/b.md": "B", "index.md": "Home"},
    )  # fmt: skip

    class Verification:
        class file:
            src_uri = "verification.md"

    found = hooks._claims(Verification())
    assert [page.title for page in found] == ["A", "B"]
    assert all(page.checked == (("Same on every visit.", ("tests/test_x.py::test_x",)),)
               for page in found)  # fmt: skip
