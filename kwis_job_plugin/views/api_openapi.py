"""The OpenAPI 3.1 description of /jobs/api/v1/, served as ``openapi.json``.

Kept true by ``tests/test_api.py``: schemathesis calls every operation with generated
parameters and checks each response against these schemas (and that none is a 500).
"""

from __future__ import annotations

from typing import Any

from ..services.search_query import PARAMS


def _nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
DAY = {"type": "string", "format": "date"}
STAMP = _nullable("string")
"""Naive local time (Europe/Berlin), ``YYYY-MM-DDTHH:MM``."""

ADDRESS = {
    "type": "object",
    "required": ["street", "postcode", "city", "lat", "lon"],
    "properties": {
        "street": _nullable("string"),
        "postcode": _nullable("string"),
        "city": _nullable("string"),
        "lat": _nullable("number"),
        "lon": _nullable("number"),
    },
}
COMPANY_REF = {
    "type": "object",
    "required": ["slug", "name", "url"],
    "properties": {"slug": STRING, "name": STRING, "url": URL},
}
OFFER_ITEM = {
    "type": "object",
    "required": ["id", "title", "type", "type_label", "company", "url"],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "type": STRING,
        "type_label": STRING,
        "company": {"$ref": "#/components/schemas/CompanyRef"},
        "postcode": _nullable("string"),
        "city": _nullable("string"),
        "distance_km": _nullable("number"),
        "next_start": _nullable("string", format="date"),
        "places": _nullable("integer"),
        "url": URL,
    },
}
OFFER = {
    "type": "object",
    "required": ["id", "title", "type", "type_label", "description_html", "place", "company",
                 "url"],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "type": STRING,
        "type_label": STRING,
        "region": _nullable("string"),
        "description_html": STRING,
        "summary": STRING,
        "target_groups": {"type": "array", "items": STRING},
        "target_group_labels": {"type": "array", "items": STRING},
        "fields": {"type": "array", "items": STRING},
        "field_labels": {"type": "array", "items": STRING},
        "time_text": _nullable("string"),
        "next_period": {
            "type": ["object", "null"],
            "required": ["start", "end"],
            "properties": {"start": DAY, "end": DAY},
        },
        "valid_through": _nullable("string", format="date"),
        "place": {"$ref": "#/components/schemas/Address"},
        "apply_url": _nullable("string"),
        "company": {"$ref": "#/components/schemas/CompanyRef"},
        "url": URL,
    },
}
COMPANY = {
    "type": "object",
    "required": ["id", "slug", "name", "address", "offers", "events", "url"],
    "properties": {
        "id": {"type": "integer"},
        "slug": STRING,
        "name": STRING,
        "region": _nullable("string"),
        "summary": STRING,
        "philosophy_html": STRING,
        "fields": {"type": "array", "items": STRING},
        "occupations": {"type": "array", "items": STRING},
        "benefits": {"type": "array", "items": STRING},
        "contact": {"type": ["object", "null"], "additionalProperties": STRING},
        "address": {"$ref": "#/components/schemas/Address"},
        "website": _nullable("string"),
        "social": {
            "type": "array",
            "items": {"type": "object", "required": ["network", "url"],
                      "properties": {"network": STRING, "url": STRING}},
        },
        "logo_url": _nullable("string"),
        "offers": {"type": "array", "items": {"$ref": "#/components/schemas/OfferItem"}},
        "events": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "title", "starts_on", "url"],
                      "properties": {"id": {"type": "integer"}, "title": STRING,
                                     "starts_on": DAY, "ends_on": DAY, "url": URL}},
        },
        "url": URL,
    },
}
SLOT = {
    "type": "object",
    "required": ["id", "starts_at", "ends_at", "capacity", "places_left"],
    "properties": {
        "id": {"type": "integer"},
        "title": _nullable("string"),
        "starts_at": STRING,
        "ends_at": STRING,
        "place": _nullable("string"),
        "min_age": _nullable("integer"),
        "capacity": {"type": "integer"},
        "places_left": {"type": "integer", "minimum": 0},
        "waitlist_left": {"type": "integer", "minimum": 0},
    },
}
EVENT = {
    "type": "object",
    "required": ["id", "title", "kind", "kind_label", "starts_on", "ends_on", "companies",
                 "url"],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "kind": STRING,
        "kind_label": STRING,
        "starts_on": DAY,
        "ends_on": DAY,
        "venue": _nullable("string"),
        "address": {"$ref": "#/components/schemas/Address"},
        "region": STRING,
        "summary": STRING,
        "description_html": STRING,
        "registration_opens_at": STAMP,
        "registration_closes_at": STAMP,
        "companies": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name", "url", "slots"],
                "properties": {
                    "slug": STRING, "name": STRING, "city": _nullable("string"), "url": URL,
                    "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}},
                },
            },
        },
        "url": URL,
    },
}
TERMS = {
    "type": "array",
    "items": {"type": "object", "required": ["key", "label"],
              "properties": {"key": STRING, "label": STRING}},
}
TAXONOMIES = {
    "type": "object",
    "required": ["types", "target_groups", "fields", "occupations", "benefits", "regions",
                 "event_kinds"],
    "properties": {name: TERMS for name in ("types", "target_groups", "fields", "occupations",
                                             "benefits", "regions", "event_kinds")},
}
ERROR = {
    "type": "object",
    "required": ["status", "error", "message", "message_en"],
    "properties": {
        "status": {"type": "integer"},
        "error": STRING,
        "message": {"type": "string", "description": "Deutsch"},
        "message_en": {"type": "string", "description": "English"},
    },
}


def _list_of(ref: str, total: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
            "next": {"type": ["string", "null"], "format": "uri",
                     "description": "The next page (opaque cursor), null on the last."},
        },
    }
    if total:
        schema["required"].append("total")
        schema["properties"]["total"] = {"type": "integer", "minimum": 0}
    return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json({"$ref": "#/components/schemas/Error"})}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "200": {"description": description, **_json(schema)},
        "304": {"description": "Not modified (If-None-Match)"},
        "400": _error("A bad parameter or cursor"),
        "404": _error("Not found, or the API is off in the region"),
        "429": _error("Rate limit"),
    }


TEXT = {"type": "string", "maxLength": 200,
        "pattern": "^[^\\x00-\\x1f\\x7f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$"}
"""A query value: no control characters or direction overrides (those are a 400)."""


def _query(name: str, description: str, *, array: bool = False,
           schema: dict[str, Any] | None = None) -> dict[str, Any]:
    schema = schema or TEXT
    if array:
        schema = {"type": "array", "items": schema, "maxItems": 50}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **({"style": "form", "explode": True} if array else {})}


def _enum(keys: list[str] | None) -> dict[str, Any]:
    return {"type": "string", "enum": keys} if keys else TEXT


LANG = {"name": "lang", "in": "query", "required": False,
        "schema": {"type": "string", "enum": ["de", "en"]},
        "description": "Language of labels and messages (default: Accept-Language, then de)"}
CURSOR = _query("cursor", "Opaque; from the previous page's `next`",
               schema={"type": "string", "maxLength": 400})


def _offer_filters(keys: dict[str, list[str]], region: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _query(PARAMS["text"], "Search text"),
        _query(PARAMS["types"], "Offer type keys (OR)", array=True,
               schema=_enum(keys.get("types"))),
        _query(PARAMS["target_groups"], "Target group keys (OR)", array=True,
               schema=_enum(keys.get("target_groups"))),
        _query(PARAMS["fields"], "Occupational field keys (OR)", array=True,
               schema=_enum(keys.get("fields"))),
        _query(PARAMS["occupations"], "Training occupation keys (OR)", array=True,
               schema=_enum(keys.get("occupations"))),
        _query(PARAMS["benefits"], "Benefit keys (OR)", array=True,
               schema=_enum(keys.get("benefits"))),
        region,
        _query(PARAMS["place"], "Postcode or place; results by distance"),
        _query(PARAMS["radius_km"], "Radius around the place in km",
               schema={"type": "integer", "minimum": 5, "maximum": 100}),
        _query(PARAMS["places_left"], "1: only offers with places left",
               schema={"type": "string", "enum": ["1"]}),
    ]


def _get(summary: str, responses: dict[str, Any], *parameters: dict[str, Any],
         operation_id: str) -> dict[str, Any]:
    return {"get": {"summary": summary, "operationId": operation_id,
                    "parameters": [*parameters, LANG], "responses": responses}}


def openapi_document(base_path: str, keys: dict[str, list[str]] | None = None
                     ) -> dict[str, Any]:
    """The description, with ``base_path`` (``/jobs/api/v1/`` as mounted) as its server and
    the filters' current values (``keys``: taxonomy name → keys, as ``/taxonomies`` lists
    them; ``regions`` too) as enums."""
    keys = keys or {}
    region = _query("region", "Region key (taxonomies: regions)",
                    schema=_enum(keys.get("regions")))
    slug = {"name": "slug", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,160}$"}}
    offer_id = {"name": "offer_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KWIS.job API",
            "version": "1.0.0",
            "description": "Read-only: the public offers, companies and events of the "
                           "regions that switched the API on. Same filters and results as "
                           "the portal search.",
        },
        "servers": [{"url": base_path.rstrip("/")}],
        "paths": {
            "/offers": _get("Offers (the portal search)",
                            _ok("A page of offers", _list_of("OfferItem", total=True)),
                            *_offer_filters(keys, region), CURSOR,
                            operation_id="listOffers"),
            "/offers.atom": _get("The newest offers of a search as an Atom feed", {
                "200": {"description": "Atom 1.0 (RFC 4287), newest first",
                        "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                "304": {"description": "Not modified (If-None-Match)"},
                "400": _error("A bad parameter"),
                "404": _error("Not found, or the API is off in the region"),
                "429": _error("Rate limit"),
            }, *_offer_filters(keys, region), operation_id="getOffersFeed"),
            "/offers/{offer_id}": _get("One offer", _ok("The offer", {
                "$ref": "#/components/schemas/Offer"}), offer_id, operation_id="getOffer"),
            "/companies": _get("Companies with a public page",
                               _ok("A page of companies", _list_of("Company")),
                               region, CURSOR, operation_id="listCompanies"),
            "/companies/{slug}": _get("One company", _ok("The company", {
                "$ref": "#/components/schemas/Company"}), slug, operation_id="getCompany"),
            "/events": _get("Upcoming events with slots and free places",
                            _ok("A page of events", _list_of("Event")),
                            region, CURSOR, operation_id="listEvents"),
            "/events.ics": _get("Upcoming events as one iCalendar file", {
                "200": {"description": "RFC 5545",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}},
                "304": {"description": "Not modified (If-None-Match)"},
                "400": _error("A bad parameter"),
                "404": _error("Not found, or the API is off in the region"),
                "429": _error("Rate limit"),
            }, region, _query("company", "A company's slug: the events it takes part in",
                              schema={"type": "string", "pattern": "^[a-z0-9-]{1,160}$"}),
                operation_id="getEventsCalendar"),
            "/taxonomies": _get("Filter values, regions and event kinds",
                                _ok("The taxonomies", {"$ref": "#/components/schemas/"
                                                       "Taxonomies"}),
                                operation_id="getTaxonomies"),
        },
        "components": {"schemas": {
            "Address": ADDRESS, "CompanyRef": COMPANY_REF, "OfferItem": OFFER_ITEM,
            "Offer": OFFER, "Company": COMPANY, "Slot": SLOT, "Event": EVENT,
            "Taxonomies": TAXONOMIES, "Error": ERROR,
        }},
    }
