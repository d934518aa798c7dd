"""Recipes of the chapter notebooks: one script per chapter in the percent format.

A recipe answers its chapter's questions by calling the package; `snippets.mdext.notebooks`
turns it into a notebook that carries the package's code with it (see that module). A recipe
is never imported: the build reads it as text.
"""
