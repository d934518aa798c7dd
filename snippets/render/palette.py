"""Colours for figures that follow the site's light and dark palettes.

Plot functions draw with these placeholder colours; `render.svg.figure_svg` swaps each for a
CSS custom property defined per palette in `docs/stylesheets/guide.css`, so one inline SVG
reads well in the light and in the dark palette. Never use other colours in a figure.
"""

# Text, axes, ticks and ordinary lines: the page's text colour.
INK = "#000001"
# Grid lines, guides and secondary text.
MUTED = "#000002"
# Series and highlights, distinct in both palettes.
ACCENT = "#000003"
SERIES = ("#000004", "#000005", "#000006", "#000007")
# A soft fill behind highlighted cells or regions.
HIGHLIGHT = "#000008"
# The page background (to knock out lines behind labels).
PAPER = "#000009"

CSS_VARIABLES = {
    INK: "var(--guide-ink)",
    MUTED: "var(--guide-muted)",
    ACCENT: "var(--guide-accent)",
    SERIES[0]: "var(--guide-series-1)",
    SERIES[1]: "var(--guide-series-2)",
    SERIES[2]: "var(--guide-series-3)",
    SERIES[3]: "var(--guide-series-4)",
    HIGHLIGHT: "var(--guide-highlight)",
    PAPER: "var(--guide-paper)",
}
