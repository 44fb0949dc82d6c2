"""The filter options written as ready markup (``views.portal.options_html``) are what the
template wrote before: escaped, labelled, ticked when selected, counts in the reader's locale."""

from __future__ import annotations

from html.parser import HTMLParser

from kwis_job_plugin.services.search import FacetOption
from kwis_job_plugin.views.portal import RADIO, options_html


class _Options(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: dict[str, str] = {}
        self._for: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "label":
            self._for = attrs["for"]
            self.labels[self._for] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._for = None

    def handle_data(self, data):
        if self._for is not None:
            self.labels[self._for] += data


def test_options_are_escaped_labelled_and_ticked(app):
    options = [FacetOption('a"b', "Bau <&> Holz", 3, True), FacetOption("it", "IT", 1234, False)]
    with app.test_request_context("/jobs/suche"):
        html = str(options_html(options, "kj-facet-field", "feld"))
        radios = str(options_html(options[1:], "kj-region", "region", RADIO))
    assert "<&>" not in html and "&lt;&amp;&gt;" in html
    parsed = _Options(html)
    assert [(i["id"], i["name"], i["value"], "checked" in i) for i in parsed.inputs] == [
        ('kj-facet-field-a"b', "feld", 'a"b', True), ("kj-facet-field-it", "feld", "it", False)]
    assert parsed.labels == {'kj-facet-field-a"b': "Bau <&> Holz (3)",
                             "kj-facet-field-it": "IT (1.234)"}
    assert _Options(radios).inputs[0]["type"] == "radio"
