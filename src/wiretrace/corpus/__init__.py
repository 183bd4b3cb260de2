"""Corpus mode: all-pairs reuse, story clusters, first publishers and outlet originality."""
