"""A ready demo: the reference host with the plug-in on one database, seeded once.

One function for ``kwis-job demo``, the browser tests and the README screenshots, so all three
show the same thing.
"""

from __future__ import annotations

from pathlib import Path

from kwis_hooks import migrations
from kwis_hooks.refhost import create_app
from kwis_hooks.refhost.models import create_host_schema
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ..config import migration_location
from ..services import search_index
from .seed import DemoLogin, already_seeded, seed_demo


def prepare_demo_app(database_url: str, secret_key: str):
    """Return ``(app, logins)``; ``logins`` is ``None`` when the database was seeded before.

    Mail goes to ``mail/`` beside the database file, shown by the host's demo page
    ``/demo/mail``, so a guardian's confirmation link can be followed without an SMTP server.
    """
    mail_dir = Path(make_url(database_url).database or ".").resolve().parent / "mail"
    app = create_app({
        "KWIS_DATABASE_URL": database_url, "SECRET_KEY": secret_key,
        "KWIS_JOB_MAIL_URL": f"file:{mail_dir}", "KWIS_DEMO_MAIL_DIR": str(mail_dir),
        # Plain http on localhost: no Secure cookie, no HSTS (INSTALL.md, "Running the host
        # securely").
        "KWIS_PRODUCTION": False,
    })
    engine = app.extensions["kwis_host"]["engine"]
    create_host_schema(engine)
    migrations.upgrade(engine, migration_location())
    with Session(engine) as session:
        if already_seeded(session):
            logins: list[DemoLogin] | None = None
            # An older demo database is upgraded by starting it: migrations above, and the
            # search index rebuilt from the published content (INSTALL.md, "Upgrade").
            search_index.rebuild_all(session)
        else:
            logins = seed_demo(session)
        session.commit()
    return app, logins
