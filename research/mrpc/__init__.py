"""The MRPC sentence matchers: features, fitting, and the experiment ``wiretrace eval mrpc``
runs."""
