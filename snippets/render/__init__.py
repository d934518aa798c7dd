"""Turn computed results into Markdown, LaTeX and inline SVG for the pages."""
