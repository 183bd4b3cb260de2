"""HTTP API and web page for tracing articles (the ``[serve]`` extra).

- :mod:`~wiretrace.serve.server`: runs the application under uvicorn (the command itself is
  :mod:`wiretrace.cli.serve`, which imports FastAPI lazily);
- :mod:`~wiretrace.serve.app`: ``create_app(ServeOptions)``, the FastAPI application;
- :mod:`~wiretrace.serve.guard`: token, body limit and safety headers (plain ASGI);
- :mod:`~wiretrace.serve.inputs`: request bodies to documents, or precise 4xx errors;
- :mod:`~wiretrace.serve.store`: one writer and a pool of readers on the SQLite index;
- ``static/``: the page (``index.html``, ``app.js``, ``page.css``); the report view itself
  is ``wiretrace/report/assets``, shared with the standalone HTML report.

Nothing here is imported by ``wiretrace`` itself, so the core never needs FastAPI.
"""
