"""Admins per region (issue 10): a region admin of Jena never reaches Weimarer Land.

The URL map is walked, not listed: every endpoint of a blueprint whose name starts with
``kwis_job_admin`` (including routes added later) is requested with the id of a Weimarer Land
object as a Jena admin, by GET and by POST with a valid CSRF token, and must answer 404 and
change nothing; the same request for the Jena object must not answer 404. Routes without an
object in their URL (lists, forms) must not show anything of Weimarer Land. Routes for global
admins only (``access.global_admin``) answer 404 to every region admin.

The only hand-written part is ``OBJECT_VARIABLES``: which world object a URL variable names. A
new variable name fails loudly until it is added there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from kwis_hooks.refhost import create_app
from sqlalchemy import func, select
from support import region_world
from support.web import csrf_token, login
from werkzeug.routing.converters import AnyConverter

from kwis_job_plugin.models import AuditEntry, OutboxMail
from kwis_job_plugin.views.access import GLOBAL_ATTR

ADMIN_BLUEPRINT_PREFIX = "kwis_job_admin"
FORM_PAGE = "/admin/job/regionen"
"""An admin page with a form (and so the session's CSRF token) for every admin."""

REVIEW_KINDS = {"profil": "profile", "angebot": "offer"}
"""The review routes' ``kind`` word → the attribute of ``RegionObjects`` ``object_id`` names."""


def _by_kind(objects, values):
    kind = values.get("kind")
    if kind not in REVIEW_KINDS:
        raise LookupError(f"object_id with kind {kind!r}: add the kind to REVIEW_KINDS")
    return getattr(objects, REVIEW_KINDS[kind]).id


OBJECT_VARIABLES = {
    "region_id": lambda o, v: o.region.id,
    "event_id": lambda o, v: o.event.id,
    "participation_id": lambda o, v: o.participation.id,
    "slot_id": lambda o, v: o.slot.id,
    "registration_id": lambda o, v: o.registration.id,
    "profile_id": lambda o, v: o.profile.id,
    "offer_id": lambda o, v: o.offer.id,
    "media_id": lambda o, v: o.media.id,
    "mail_id": lambda o, v: o.mail.id,
    "customer_id": lambda o, v: o.customer_id,
    "user_id": lambda o, v: o.admin.id,
    "campaign_id": lambda o, v: o.campaign.id,
    "object_id": _by_kind,
}
"""URL variable → the id of that object in one region's ``RegionObjects``."""

FIXED_VARIABLES = {"feature": "events"}
"""Text variables that name no object (a feature key), with a value every region has."""


def _bare_app():
    return create_app({"KWIS_DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})


@dataclass(frozen=True)
class Case:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    fixed: tuple[tuple[str, str], ...]
    """Values of ``any(...)`` and fixed variables; the object variables come from the world."""
    object_variables: tuple[str, ...]
    unknown: tuple[str, ...]
    global_only: bool

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.fixed if k not in FIXED_VARIABLES)
        return f"{self.endpoint}[{extra}]" if extra else self.endpoint


def _cases(app) -> list[Case]:
    cases = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(ADMIN_BLUEPRINT_PREFIX):
            continue
        choices, objects, unknown = {}, [], []
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                choices[name] = sorted(converter.items)
            elif name in FIXED_VARIABLES:
                choices[name] = [FIXED_VARIABLES[name]]
            elif name in OBJECT_VARIABLES:
                objects.append(name)
            else:
                unknown.append(name)
        view = app.view_functions[rule.endpoint]
        methods = tuple(m for m in ("GET", "POST") if m in rule.methods)
        names = sorted(choices)
        for combination in itertools.product(*(choices[n] for n in names)):
            cases.append(Case(rule.endpoint, rule.rule, methods,
                              tuple(zip(names, combination, strict=True)), tuple(sorted(objects)),
                              tuple(sorted(unknown)), bool(getattr(view, GLOBAL_ATTR, False))))
    return sorted(cases, key=lambda c: c.id)


CASES = _cases(_bare_app())
OBJECT_CASES = [c for c in CASES if c.object_variables or c.unknown]
LIST_CASES = [c for c in CASES if not (c.object_variables or c.unknown)]


def _url(app, case: Case, objects) -> str:
    if case.unknown:
        pytest.fail(f"{case.rule}: unknown URL variable(s) {', '.join(case.unknown)}; say in "
                    "OBJECT_VARIABLES (tests/test_admin_regions.py) which world object they "
                    "name, and add the object to tests/support/region_world.py")
    values = dict(case.fixed)
    for name in case.object_variables:
        values[name] = OBJECT_VARIABLES[name](objects, values)
    with app.test_request_context():
        from flask import url_for
        return url_for(case.endpoint, **values)


@pytest.fixture
def rw(session, world):
    return region_world.build(session, world)


def _client(app, email: str, password: str):
    client = app.test_client()
    response = login(client, email, password)
    assert response.status_code in (302, 303), f"login of {email} failed"
    return client


def _token(client) -> str:
    page = client.get(FORM_PAGE)
    assert page.status_code == 200
    return csrf_token(page.data)


def _footprint(session) -> tuple[int, int, int]:
    """What any admin change leaves behind: audit entries, mails, and pending mails."""
    session.expire_all()
    return (session.scalar(select(func.count(AuditEntry.id))),
            session.scalar(select(func.count(OutboxMail.id))),
            session.scalar(select(func.count(OutboxMail.id))
                           .where(OutboxMail.status == "pending")))


def _request(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_the_walk_finds_the_admin_routes():
    """The walk sees routes of every admin blueprint, with and without objects."""
    blueprints = {c.endpoint.split(".")[0] for c in CASES}
    assert {"kwis_job_admin", "kwis_job_admin_events", "kwis_job_admin_mail",
            "kwis_job_admin_review", "kwis_job_admin_admins", "kwis_job_admin_audit",
            "kwis_job_admin_campaigns", "kwis_job_admin_alerts"} <= blueprints
    assert len(OBJECT_CASES) >= 10 and len(LIST_CASES) >= 5


def test_every_url_variable_of_an_admin_route_is_known():
    unknown = sorted({(c.rule, v) for c in CASES for v in c.unknown})
    assert not unknown, (
        "admin routes with URL variables the region test cannot fill: "
        f"{unknown}; add them to OBJECT_VARIABLES or FIXED_VARIABLES")


@pytest.mark.parametrize("case", OBJECT_CASES, ids=lambda c: c.id)
def test_a_jena_admin_gets_404_for_a_weimarer_land_object(app, session, rw, case):
    _check_object_route(app, session, rw, case)


def _check_object_route(app, session, rw, case: Case) -> None:
    jena_admin = _client(app, rw.jena.admin.email, rw.password)
    token = _token(jena_admin)
    foreign = _url(app, case, rw.weimar)
    before = _footprint(session)
    for method in case.methods:
        response = _request(jena_admin, method, foreign, token)
        assert response.status_code == 404, (
            f"{method} {foreign} ({case.endpoint}) as the Jena admin answered "
            f"{response.status_code}: the route does not check the object's region "
            "(views.access.require_region)")
        assert not region_world.leaks(response.get_data(as_text=True)), (method, foreign)
    assert _footprint(session) == before, f"{case.endpoint}: a refused request changed data"

    own = _url(app, case, rw.jena)
    if case.global_only:
        for method in case.methods:
            assert _request(jena_admin, method, own, token).status_code == 404, (
                f"{method} {own}: a page for global admins only opened for a region admin")
        global_admin = _client(app, rw.global_admin.email, rw.password)
        global_token = _token(global_admin)
        for method in case.methods:
            status = _request(global_admin, method, own, global_token).status_code
            assert status != 404, f"{method} {own} as a global admin answered 404"
        return
    for method in case.methods:
        status = _request(jena_admin, method, own, token).status_code
        assert status != 404, (
            f"{method} {own} ({case.endpoint}) as the Jena admin for a Jena object answered "
            "404: the region check refuses the admin's own region")
        assert status < 500, (method, own, status)


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda c: c.id)
def test_a_jena_admin_sees_nothing_of_weimarer_land_on_pages_without_an_object(
    app, session, rw, case
):
    _check_list_route(app, rw, case)


def _check_list_route(app, rw, case: Case) -> None:
    if "GET" not in case.methods:
        pytest.fail(f"{case.rule}: a POST-only admin route without an object in its URL; "
                    "the region test cannot tell what it touches: give it an object id")
    url = _url(app, case, rw.jena)
    jena_admin = _client(app, rw.jena.admin.email, rw.password)
    response = jena_admin.get(url)
    if case.global_only:
        assert response.status_code == 404, f"{url}: global admins only, yet it opened"
        return
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert not region_world.leaks(html), (
        f"{url} ({case.endpoint}) shows {region_world.leaks(html)} to the Jena admin: the "
        "list is not narrowed to the admin's regions (views.access.admin_region_ids)")


@pytest.mark.parametrize("url, shown", [
    ("/admin/job/regionen", region_world.WEIMAR_NAME),
    ("/admin/job/veranstaltungen", f"Berufemesse {region_world.MARKER}"),
    ("/admin/job/e-mail", f"Erinnerung {region_world.MARKER}"),
    ("/admin/job/protokoll", region_world.MARKER),
    ("/admin/job/zustaendigkeiten", region_world.WEIMAR_NAME),
    ("/admin/job/kampagnen", f"Kampagne {region_world.MARKER}"),
])
def test_a_global_admin_sees_both_regions(app, rw, url, shown):
    """The counterpart of the leak check: the same pages do show Weimarer Land to a global
    admin, so an empty page cannot pass the test above."""
    page = _client(app, rw.global_admin.email, rw.password).get(url)
    assert page.status_code == 200
    assert shown in page.get_data(as_text=True)


def test_mails_without_region_are_for_global_admins_only(app, rw):
    jena_admin = _client(app, rw.jena.admin.email, rw.password)
    assert "Ohne Region" not in jena_admin.get("/admin/job/e-mail").get_data(as_text=True)
    token = _token(jena_admin)
    url = f"/admin/job/e-mail/{rw.no_region_mail.id}/erneut"
    assert jena_admin.post(url, data={"csrf_token": token}).status_code == 404
    global_admin = _client(app, rw.global_admin.email, rw.password)
    assert "Ohne Region" in global_admin.get("/admin/job/e-mail").get_data(as_text=True)
    assert global_admin.post(url, data={"csrf_token": _token(global_admin)}).status_code in (
        302, 303)


def test_a_jena_admin_cannot_create_an_event_in_weimarer_land(app, session, rw):
    jena_admin = _client(app, rw.jena.admin.email, rw.password)
    form = jena_admin.get("/admin/job/veranstaltungen/neu").get_data(as_text=True)
    assert f'value="{rw.jena.region.id}"' in form
    assert region_world.WEIMAR_NAME not in form
    before = _footprint(session)
    response = jena_admin.post("/admin/job/veranstaltungen/neu", data={
        "csrf_token": csrf_token(form), "kind": "fair", "region_id": str(rw.weimar.region.id),
        "title": "Messe", "starts_on": "01.06.2027", "ends_on": "01.06.2027",
        "venue": "Halle", "retention_days": "90"})
    assert response.status_code == 422
    assert _footprint(session) == before


def test_an_admin_without_regions_sees_nothing(app, session, rw):
    from kwis_job_plugin.services import admin_scope
    admin_scope.assign(session, rw.global_admin.id, rw.jena.admin.id, all_regions=False,
                       region_ids=[])
    session.commit()
    client = _client(app, rw.jena.admin.email, rw.password)
    for url in ("/admin/job/veranstaltungen", "/admin/job/e-mail", "/admin/job/protokoll"):
        html = client.get(url).get_data(as_text=True)
        assert "Berufemesse" not in html and "Erinnerung" not in html, url
    assert client.get(f"/admin/job/veranstaltungen/{rw.jena.event.id}").status_code == 404


def _probe_blueprint():
    """Admin routes that forget the region check, as a new route might."""
    from flask import abort

    from kwis_job_plugin.models import Event
    from kwis_job_plugin.views import access, context
    from kwis_job_plugin.views.templating import make_blueprint

    bp = make_blueprint("kwis_job_admin_probe", __name__)

    @bp.route("/probe/<int(max=2147483647):event_id>", methods=["GET", "POST"])
    @access.admin
    def event_title(event_id: int):
        event = context.db().get(Event, event_id)
        if event is None:
            abort(404)
        return event.title

    @bp.get("/probe")
    @access.admin
    def all_events():
        from sqlalchemy import select
        return ", ".join(context.db().scalars(select(Event.title)))

    @bp.get("/probe/<int(max=2147483647):widget_id>/teile")
    @access.admin
    def widget(widget_id: int):
        return "?"

    return bp


def test_the_walk_catches_a_new_route_that_forgets_the_region_check(app, session, rw):
    """The checks above fail for routes that forget ``require_region`` or
    ``admin_region_ids``, and for a URL variable nobody mapped."""
    app.register_blueprint(_probe_blueprint(), url_prefix="/admin/job")
    probes = {c.endpoint: c for c in _cases(app) if c.endpoint.startswith("kwis_job_admin_probe")}
    assert set(probes) == {"kwis_job_admin_probe.event_title", "kwis_job_admin_probe.all_events",
                           "kwis_job_admin_probe.widget"}
    with pytest.raises(AssertionError, match="does not check the object's region"):
        _check_object_route(app, session, rw, probes["kwis_job_admin_probe.event_title"])
    with pytest.raises(AssertionError, match="not narrowed"):
        _check_list_route(app, rw, probes["kwis_job_admin_probe.all_events"])
    with pytest.raises(pytest.fail.Exception, match="unknown URL variable"):
        _check_object_route(app, session, rw, probes["kwis_job_admin_probe.widget"])
