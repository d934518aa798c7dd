"""MkDocs hook of the build's one cache: note what a build uses, then prune the rest.

MkDocs loads a hook file as a module of its own; the hook's events are the functions of
`snippets.mdext.cache`, imported, so they act on the one state the cache's users share.
"""

from snippets.mdext.cache import on_post_build, on_pre_build, on_startup

__all__ = ["on_post_build", "on_pre_build", "on_startup"]
