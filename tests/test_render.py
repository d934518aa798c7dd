"""The shared renderers: reproducible palette-following SVG, the question unit, numbers."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from snippets import backprop, exam
from snippets.logistic import descent_step, sigmoid
from snippets.render import markdown as md
from snippets.render import palette
from snippets.render.backprop_figures import forward_figure
from snippets.render.logistic import sigmoid_plot
from snippets.render.markdown import solution
from snippets.render.svg import figure_svg, text_size_width


def small_figure(colour: str) -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    ax.set_facecolor("none")
    ax.plot([0, 1], [0, 1], color=colour)
    for spine in ax.spines.values():
        spine.set_color(palette.INK)
    ax.tick_params(colors=palette.INK)
    return fig


def test_svg_is_byte_identical_across_renders():
    assert sigmoid_plot(exam.LOGISTIC_STEP) == sigmoid_plot(exam.LOGISTIC_STEP)


ROOT = Path(__file__).resolve().parent.parent
GUIDE_VARIABLE = re.compile(r"var\(--guide-[\w-]+(, [^)]*)?\)")


def test_svg_has_no_date_and_no_fixed_colour():
    svg = sigmoid_plot(exam.LOGISTIC_STEP)
    assert "<dc:date>" not in svg
    # Colours only as the palette's variables (their fallbacks inside them).
    assert not re.findall(r"#[0-9a-fA-F]{6}\b", GUIDE_VARIABLE.sub("", svg))
    assert "var(--guide-ink, " in svg


def light_palette() -> dict[str, str]:
    """The light palette's --guide-* values, read from guide.css."""
    css = (ROOT / "docs" / "stylesheets" / "guide.css").read_text(encoding="utf-8")
    block = css[css.index(':root,\n[data-md-color-scheme="default"] {') :]
    block = block[: block.index("}")]
    return dict(re.findall(r"(--guide-[\w-]+): ([^;]+);", block))


def test_every_figure_colour_falls_back_to_its_light_value():
    # Without the site's stylesheet (a notebook) a variable with no fallback leaves a stroke
    # at none: the fallback is the light palette's colour, or the text and page colours
    # where the palette takes Material's own.
    light = light_palette()
    assert {
        re.search(r"--guide-[\w-]+", v).group(0) for v in palette.CSS_VARIABLES.values()
    } == set(light)
    for variable in palette.CSS_VARIABLES.values():
        name, fallback = re.fullmatch(r"var\((--guide-[\w-]+), ([^)]+)\)", variable).groups()
        expected = light[name]
        if expected.startswith("var(--md-"):  # Material's text and background colours
            assert fallback == {"--guide-ink": "currentColor", "--guide-paper": "Canvas"}[name]
        else:
            assert fallback == expected, name


def test_svg_rejects_a_colour_outside_the_palette():
    with pytest.raises(ValueError, match="palette"):
        figure_svg(small_figure("#1f77b4"), name="bad", alt="a line")


def test_svg_ids_are_prefixed_with_the_figure_name():
    svg = figure_svg(small_figure(palette.SERIES[0]), name="line", alt="a line")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(i == "line" or i.startswith("line-") for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", svg):
        assert ref in ids


DRAWN = {"path", "text", "use", "rect", "circle", "ellipse", "line", "polyline", "polygon"}


def drawn_elements(svg: str) -> list[tuple[str, str, frozenset[str], str]]:
    """Every drawn element in order: tag, text, declarations (inline or by class), rotation."""
    root = ET.fromstring(svg)
    sheet = "".join(e.text or "" for e in root.iter() if e.tag.endswith("style"))
    rules = dict(re.findall(r"\.([\w-]+)\{([^}]*)\}", sheet))
    out = []
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        style = element.get("style") or rules.get(element.get("class", ""), "")
        declarations = {d.strip() for d in style.split(";") if d.strip()}
        if tag not in DRAWN or declarations == {"fill: none", "opacity: 0"}:
            continue  # matplotlib's invisible background
        declarations = {d for d in declarations if not d.startswith("font-family")}
        transform = element.get("transform", "")
        if re.fullmatch(r"rotate\(-?0 [^)]*\)", transform):
            transform = ""  # a rotation by 0 degrees
        # Coordinates to 1/10 of a point, as figure_svg keeps them.
        transform = re.sub(
            r"-?\d+\.\d+", lambda m: f"{float(m.group(0)):.1f}".rstrip("0").rstrip("."), transform
        )
        out.append((tag, (element.text or "").strip(), frozenset(declarations), transform))
    return out


def labelled_figure() -> Figure:
    fig = small_figure(palette.SERIES[0])
    fig.axes[0].set_ylabel("p", color=palette.INK)  # rotated text
    return fig


@pytest.mark.parametrize(
    "make", [lambda: forward_figure(backprop.solve(exam.BACKPROP)), labelled_figure]
)
def test_slimmed_svg_draws_every_element_with_its_style(make):
    # The witness: matplotlib's own SVG, colours mapped by the palette's table.
    fig = make()
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    raw = re.sub(
        r"#[0-9a-fA-F]{6}\b",
        lambda m: "transparent" if m.group(0) == "#ffffff" else palette.CSS_VARIABLES[m.group(0)],
        buffer.getvalue(),
    )
    slim = figure_svg(fig, name="slim", alt="network").split("\n")[1]
    assert drawn_elements(slim) == drawn_elements(raw)
    assert len(slim) < 0.75 * len(raw)
    assert "font-family" not in slim
    assert "<style>.guide-figure *{" in slim  # matplotlib's `*` rule stays in the figure
    used = set(re.findall(r'\bid="([^"]+)"', slim)) - {"slim"}
    referenced = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', slim)
    assert used == {a or b for a, b in referenced}  # only referenced ids remain


@pytest.mark.parametrize(("name", "alt"), [("Bad Name", "x"), ("ok", "  ")])
def test_svg_rejects_bad_name_or_missing_alt(name, alt):
    with pytest.raises(ValueError, match=r"^(name|alt) must"):
        figure_svg(small_figure(palette.INK), name=name, alt=alt)


def test_figure_is_uncapped_unless_asked():
    assert figure_svg(small_figure(palette.INK), name="free", alt="a line").startswith(
        '<figure class="guide-svg">\n'
    )


def test_capped_figure_stops_where_its_smallest_text_is_the_text_size():
    fig = small_figure(palette.INK)
    fig.text(0.5, 0.5, "big", fontsize=20)
    fig.text(0.5, 0.2, "small", fontsize=8)
    svg = figure_svg(fig, name="capped", alt="a line and two labels", cap_at_text_size=True)
    # 2 inches are 144 points; at 1 em per 8 points the smallest label matches the text.
    assert text_size_width(fig) == pytest.approx(144 / 8)
    assert svg.startswith('<figure class="guide-svg" style="max-width: 18.0em">\n<svg')


def test_text_size_width_reads_the_tick_labels_once_drawn():
    fig = small_figure(palette.INK)
    figure_svg(fig, name="ticks", alt="a line")  # draws the figure: tick labels get text
    smallest = min(label.get_fontsize() for label in fig.axes[0].get_xticklabels())
    assert text_size_width(fig) == pytest.approx(144 / smallest)


def test_join_leaves_out_empty_blocks():
    assert md.join(["a", "", "b"]) == "a\n\nb"
    assert md.join([]) == ""


def test_how_we_know_names_the_functions_for_the_build_to_fill():
    block = md.how_we_know(descent_step, sigmoid)
    assert block.startswith('??? abstract guide-evidence "How we know"')
    assert 'data-functions="snippets.logistic.descent_step snippets.logistic.sigmoid"' in block


def test_how_we_know_needs_a_function():
    with pytest.raises(ValueError, match=r"^functions must"):
        md.how_we_know()


@pytest.mark.claim("index.md", "closed until you open them")
def test_unit_puts_statement_first_and_every_answer_behind_a_closed_control():
    text = md.unit(3, "c", statement="State.", figure="", answer=list("12345"), worked="Steps.",
                   evidence=(descent_step,))  # fmt: skip
    heading, statement, rest = text.split("\n\n", 2)
    assert heading == md.heading(3, "c")
    assert statement == "State."
    assert rest.startswith('<div class="guide-answers guide-solution"')
    # Answer, worked solution and evidence, in that order, each closed (???, not ???+).
    titles = re.findall(r'^ *(\?\?\?\+?) [\w -]+ "([^"]+)"', rest, re.MULTILINE)
    assert titles == [("???", "Answer · 5 points"), ("???", "Worked solution"),
                      ("???", "How we know")]  # fmt: skip


def test_unit_answer_follows_the_points_breakdown():
    rubric = exam.part(3).questions[2].rubric
    text = md.answer_items(3, "c", ["a", "b", "c", "d", "e"])
    assert [line.rsplit("*", 2)[1] for line in text.splitlines()] == [
        md.points(pts) for _, pts in rubric
    ]
    with pytest.raises(ValueError, match=r"^answer must give one entry per item"):
        md.answer_items(3, "c", ["a", "b"])
    with pytest.raises(ValueError, match=r"^answer of 4 a must be one text"):
        md.answer_items(4, "a", ["a"])


def test_unit_refuses_an_empty_statement_or_solution():
    with pytest.raises(ValueError, match=r"^statement of"):
        md.unit(3, "c", statement=" ", answer=list("12345"), worked="x")
    with pytest.raises(ValueError, match=r"^worked must"):
        md.unit(3, "a", answer=list("123"), worked="")


def test_figure_inside_a_solution_stays_a_block_untouched_by_markdown():
    import markdown

    converter = markdown.Markdown(
        extensions=["admonition", "pymdownx.details", "snippets.mdext.figures"]
    )
    svg = figure_svg(small_figure(palette.INK), name="in-solution", alt="a_b_c and *stars*")
    html = converter.convert(solution("Before.\n\n" + svg + "\n\nAfter.", 1))
    assert "<p><figure" not in html
    assert svg.split("\n")[1] in html  # the <svg> line arrives byte for byte


def test_heading_says_optional_where_the_exam_does():
    assert md.heading(2, "8").endswith("· 2 points · optional")
    assert not md.heading(2, "7").endswith("optional")
