"""Compute the answers of the I2DL study guide and draw its figures.

Modules compute (pure functions returning small frozen dataclasses or arrays);
`snippets.render` turns results into Markdown, LaTeX and SVG; pages only call and print.
"""
