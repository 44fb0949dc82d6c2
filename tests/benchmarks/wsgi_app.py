"""WSGI entry for the benchmark: the reference host with the plug-in, on ``KWIS_DATABASE_URL``.

    gunicorn -w 2 -b 127.0.0.1:8000 --chdir tests/benchmarks wsgi_app:app
"""

import os

from kwis_hooks.refhost import create_app

app = create_app({
    "KWIS_DATABASE_URL": os.environ["KWIS_DATABASE_URL"],
    "SECRET_KEY": os.environ.get("KWIS_SECRET_KEY", "benchmark-only-secret"),
})
