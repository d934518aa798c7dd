"""Python-Markdown extensions and build hooks of the site (not used by the snippets)."""
