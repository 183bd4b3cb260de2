"""Local alignment of two texts: seeds, extension, merging and edit extraction."""

from wiretrace.align.local import AlignOptions, TextView, align, text_view

__all__ = ["AlignOptions", "TextView", "align", "text_view"]
