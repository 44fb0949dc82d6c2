"""A fixed set of companies for the campaign tests, with known answers per filter and step.

Jena (AGS 16053) owns, by name:

| company   | WZ    | size   | PLZ   | login | profile             | offers        | else        |
|-----------|-------|--------|-------|-------|---------------------|---------------|-------------|
| Alpha     | 62.01 | small  | 07743 | yes   | –                   | –             |             |
| Beta      | 62.02 | small  | 07745 | yes   | draft               | draft         |             |
| Delta     | 62.01 | large  | 07743 | yes   | published           | –             |             |
| Epsilon   | 25.62 | micro  | 07751 | yes   | published           | one published |             |
| Eta       | 47.19 | small  | 07743 | no    | –                   | –             | no address  |
| Gamma     | 47.11 | medium | 07749 | yes   | in review           | archived      |             |
| Theta     | 10.71 | medium | 07747 | no    | –                   | –             | info@ only  |
| Zeta      | 62.01 | small  | 07751 | yes   | –                   | –             | opted out   |

Not Jena's: Iota (AGS 16053001, claimed by the longer prefix of "Jena-Nord") and a company of
Weimarer Land (16071).
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import MailOptOut

EXPECTED_ALL = ["Alpha", "Beta", "Delta", "Epsilon", "Eta", "Gamma", "Theta", "Zeta"]
RECEIVERS = ["Alpha", "Beta", "Delta", "Epsilon", "Gamma", "Theta"]


def _company(name, wz, size, postcode, *, login=True, email=True, ags="16053000"):
    extra = dict(name=name, wz_code=wz, size_class=size, postcode=postcode, ags=ags)
    if not email:
        extra["email"] = None
    if login:
        user = factories.UserFactory(email=f"{name.lower()}@firma.example",
                                     display_name=f"Kim {name}",
                                     **{f"customer__{k}": v for k, v in extra.items()})
        return user.customer, user
    return factories.CustomerFactory(**extra), None


def build(session: Session) -> SimpleNamespace:
    """Jena (prefix 16053) with the companies of the table above, an admin; committed."""
    region = factories.RegionFactory(slug="jena", name="Stadt Jena", prefixes=["16053"])
    admin = factories.AdminFactory(email="admin@wf.example")
    factories.RegionFactory(slug="jena-nord", name="Jena-Nord", prefixes=["16053001"])
    factories.RegionFactory(slug="weimarer-land", name="Weimarer Land", prefixes=["16071"])
    c = {}
    users = {}
    for name, wz, size, postcode, kw in [
        ("Alpha", "62.01", "small", "07743", {}),
        ("Beta", "62.02", "small", "07745", {}),
        ("Gamma", "47.11", "medium", "07749", {}),
        ("Delta", "62.01", "large", "07743", {}),
        ("Epsilon", "25.62", "micro", "07751", {}),
        ("Zeta", "62.01", "small", "07751", {}),
        ("Eta", "47.19", "small", "07743", {"login": False, "email": False}),
        ("Theta", "10.71", "medium", "07747", {"login": False}),
        ("Iota", "62.01", "small", "07743", {"ags": "16053001"}),
        ("Weimar", "62.01", "small", "99510", {"ags": "16071001"}),
    ]:
        c[name], users[name] = _company(name, wz, size, postcode, **kw)
    session.flush()
    beta = factories.ProfileFactory(customer=c["Beta"], region=region, contact_name="Rosa Beta")
    gamma = factories.ProfileFactory(customer=c["Gamma"], region=region, status="in_review")
    gamma.submitted_at = factories.utcnow()
    factories.ProfileFactory(customer=c["Delta"], region=region, status="published")
    epsilon = factories.ProfileFactory(customer=c["Epsilon"], region=region, status="published")
    session.flush()
    factories.OfferFactory(profile=beta, title="Entwurf Beta")
    factories.OfferFactory(profile=gamma, title="Archiv Gamma", status="archived")
    factories.OfferFactory(profile=epsilon, title="Ferienjob Epsilon", status="published")
    session.add(MailOptOut(customer_id=c["Zeta"].id, created_by_user_id=admin.id))
    session.commit()
    return SimpleNamespace(region=region, admin=admin, customers=c, users=users)
