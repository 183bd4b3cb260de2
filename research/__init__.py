"""Research code kept out of the wheel: generators of evaluation data, fitting scripts and
feature searches. Import it with the repository root on ``sys.path``."""
