"""Evaluation on labelled data: PAN text alignment (:mod:`wiretrace.eval.pan`)."""
