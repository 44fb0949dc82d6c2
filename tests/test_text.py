"""The German normaliser: which spellings meet and which stay apart, for documents and queries."""

from __future__ import annotations

import pytest

from kwis_job_plugin.services.text import normalise, query_terms

MEET = [
    ("Bäcker", "Baecker"),
    ("Bäcker", "BÄCKER"),
    ("Bäckerin", "Baeckerin"),
    ("Gärtner", "Gaertner"),
    ("Köche", "Koch"),
    ("Übernahme", "Uebernahme"),
    ("Straße", "Strasse"),
    ("Praktikum", "Praktika"),
    ("Praktikum", "Praktikums"),
    ("Museum", "Museen"),
    ("Museum", "Museums"),
    ("Studium", "Studien"),
    ("Firma", "Firmen"),
    ("Thema", "Themen"),
    ("Zentrum", "Zentren"),
    ("Kita", "Kitas"),
    ("Ferienjob", "Ferienjobs"),
    ("Schüler", "Schülerinnen"),
    ("Mechatroniker", "Mechatronikerin"),
    ("Informatik", "Informatiker"),
    ("Ausbildung", "Ausbildungen"),
    ("Café", "Cafe"),
]

APART = [
    ("Bäcker", "Becker"),
    ("Praktikum", "Praxis"),
    ("Museum", "Muster"),
    ("Koch", "Kuchen"),
    ("Optik", "Optimum"),
    ("Jena", "Gera"),
    ("Studium", "Stadion"),
]


@pytest.mark.parametrize(("one", "other"), MEET)
def test_spellings_meet(one, other):
    assert normalise(one) == normalise(other) != []


@pytest.mark.parametrize(("one", "other"), APART)
def test_different_words_stay_apart(one, other):
    assert set(normalise(one)).isdisjoint(normalise(other))


def test_compounds_also_yield_their_head():
    assert normalise("Schülerpraktikum") == ["schulerpraktik", "praktik"]
    assert set(normalise("Praktika")) <= set(normalise("Schülerpraktikum"))
    assert "job" in normalise("Ferienjob") and "arbeit" in normalise("Abschlussarbeit")
    assert normalise("Job") == ["job"], "a bare head is not split"


def test_punctuation_stop_words_and_short_tokens_go():
    assert normalise("IT-System-Elektroniker/-in (m/w/d)") == ["it", "system", "elektron"]
    assert normalise("und oder die der für über mit") == []
    assert normalise("a b c 7") == []
    assert normalise("Ausbildung, Ausbildung!") == ["ausbild"], "unique terms"
    assert normalise("") == [] and normalise(None) == []
    assert normalise("Plätze 2025 in 07743") == ["platz", "2025", "07743"]


def test_query_terms_match_the_last_word_as_a_prefix():
    assert query_terms("Mecha") == query_terms("mecha")
    terms = query_terms("Ferienjob Jen")
    assert terms.exact == ("ferienjob", "job") and terms.prefix == "jen"
    assert query_terms("Bäcker").prefix == "back" and query_terms("Bäcker").exact == ()
    assert query_terms("IT").prefix is None and query_terms("IT").exact == ("it",)
    assert not query_terms("und") and query_terms("und").all == ()
    assert set(query_terms("Schülerpraktikum").all) == set(normalise("Schülerpraktikum"))
