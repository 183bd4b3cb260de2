"""Evaluation on labelled data: scorers, each behind one ``run_*`` function and one report.

Every report follows :class:`wiretrace.eval.report.EvalReport` (``to_dict`` and
``format_table``); grid tables are laid out by :func:`wiretrace.eval.report.table_lines`.

- PAN text alignment: :mod:`~wiretrace.eval.pan` (corpus files in ``pan_corpus``, measures in
  ``plagdet``);
- spun composites: :mod:`~wiretrace.eval.spun` (the truth it reads: ``spun_truth``);
- fact drift in spun composites: :mod:`~wiretrace.eval.drift` (truth also in ``spun_truth``);
- real news: :mod:`~wiretrace.eval.news` (set built by ``news_build`` from ECB+ in
  ``news_ecb``, scored by ``news_score`` and ``news_report``);
- Wikinews source retrieval: :mod:`~wiretrace.eval.sources`;
- MRPC sentence matchers: :mod:`~wiretrace.eval.mrpc`;
- Clough & Stevenson short answers: :mod:`~wiretrace.eval.clough` (files in ``clough_corpus``);
- ECB+ story clustering: :mod:`~wiretrace.eval.stories` (scores in ``cluster_scores``).

Generators, fitting code and baselines are research and stay out of the wheel, in the
repository's ``research/`` folder: the composite generators (``research/composites``), the MRPC
features, fitting and baseline (``research/mrpc``), the story clustering baselines and the
fitting scripts. The evaluations that need them (``spun``, ``news``, ``mrpc``, ``stories``)
(and ``drift``) load them from a repository checkout through :mod:`wiretrace.eval.checkout`.
"""
