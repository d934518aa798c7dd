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

# Each colour as a CSS custom property of docs/stylesheets/guide.css, with its light-palette
# value as the fallback where that stylesheet is absent (a figure's SVG copied elsewhere);
# without one, a stroke would fall back to none and vanish. Ink follows the text colour
# around the figure and paper the background (the system colour Canvas).
CSS_VARIABLES = {
    INK: "var(--guide-ink, currentColor)",
    MUTED: "var(--guide-muted, #8a8f98)",
    ACCENT: "var(--guide-accent, #c2410c)",
    SERIES[0]: "var(--guide-series-1, #1d4ed8)",
    SERIES[1]: "var(--guide-series-2, #b45309)",
    SERIES[2]: "var(--guide-series-3, #047857)",
    SERIES[3]: "var(--guide-series-4, #9d174d)",
    HIGHLIGHT: "var(--guide-highlight, #fde68a)",
    PAPER: "var(--guide-paper, Canvas)",
}

# Each colour in the light palette, for a figure drawn where no stylesheet applies (the
# chapter notebooks, whose figures are pictures): ink and paper as on a white page.
LIGHT = {
    INK: "#1f2328",
    MUTED: "#8a8f98",
    ACCENT: "#c2410c",
    SERIES[0]: "#1d4ed8",
    SERIES[1]: "#b45309",
    SERIES[2]: "#047857",
    SERIES[3]: "#9d174d",
    HIGHLIGHT: "#fde68a",
    PAPER: "#ffffff",
}
