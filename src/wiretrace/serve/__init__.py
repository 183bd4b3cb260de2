"""HTTP API and web page for tracing articles (the ``[serve]`` extra)."""
