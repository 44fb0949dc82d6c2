"""Coordinates in the place field ("Mein Standort"): what is read, what is refused, and why."""

from __future__ import annotations

import pytest

from kwis_job_plugin.services import coordinates
from kwis_job_plugin.services.coordinates import Point


@pytest.mark.parametrize(("text", "point"), [
    ("50.927,11.586", Point(50.927, 11.586)),            # what the button writes
    (" 50.927, 11.586 ", Point(50.927, 11.586)),
    ("50.92712,11.58634", Point(50.92712, 11.58634)),
    ("geo:50.927,11.586", Point(50.927, 11.586)),         # RFC 5870 style
    ("50,927; 11,586", Point(50.927, 11.586)),            # German decimal comma
    ("50.927;11.586", Point(50.927, 11.586)),
    ("-33.9,18.4", Point(-33.9, 18.4)),
    ("+50,11", Point(50.0, 11.0)),
    ("90,180", Point(90.0, 180.0)),
    ("-90,-180", Point(-90.0, -180.0)),
])
def test_coordinates_are_read(text, point):
    assert coordinates.parse(text) == point
    assert coordinates.looks_like_coordinates(text)
    assert coordinates.problem(text) is None


@pytest.mark.parametrize("text", [
    "", None, "07743", "07743 Jena", "Jena", "Jena, Zentrum", "50.927", "50.927 11.586",
    "50.927,11.586,3", "50,927,11,586", "50.1234567,11.5", "abc,def", "1e3,5", "1234,5",
])
def test_other_text_is_not_coordinates(text):
    assert coordinates.parse(text) is None
    assert not coordinates.looks_like_coordinates(text)
    assert coordinates.problem(text) is None


@pytest.mark.parametrize("text", ["91,11", "50.9,181", "-90.5,0", "0,-180.001", "999,999"])
def test_out_of_range_is_a_clear_german_message(text):
    assert coordinates.parse(text) is None
    assert coordinates.looks_like_coordinates(text)
    message = coordinates.problem(text)
    assert message is not None
    assert f"„{text}“ sind keine gültigen Koordinaten" in message
    assert "zwischen -90 und 90" in message


def test_the_place_is_called_my_location():
    assert coordinates.label() == "Mein Standort"
