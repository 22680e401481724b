"""Glossary versions are honoured: the store keeps a snapshot per version, ``load_glossary`` loads
exactly the version a job recorded, and a worker's cache is keyed by version."""

from __future__ import annotations

import pytest

from common.settings import Settings
from glossary.model import Concept, GlossaryError, Term
from glossary.store import GlossaryStore
from translate.terms import GLOSSARY_CACHE, load_glossary
from workers.runner import _glossary

pytestmark = pytest.mark.unit


def concept(cid: str, en: str, tr: str) -> Concept:
    return Concept(cid, "translate", [Term("en", en), Term("tr", tr)])


@pytest.fixture()
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'g.db'}"


def test_each_version_is_kept_as_it_stood(url):
    store = GlossaryStore(url)
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    v2 = store.add(concept("kfor", "KFOR", "KFOR"))
    v3 = store.remove("pristina")
    assert [c.id for c in store.concepts(v1)] == ["pristina"]
    assert [c.id for c in store.concepts(v2)] == ["kfor", "pristina"]
    assert [c.id for c in store.concepts(v3)] == ["kfor"]
    assert [c.id for c in store.concepts()] == ["kfor"]
    with pytest.raises(GlossaryError, match="version 99 is not stored"):
        store.concepts(99)


def test_load_glossary_at_a_version(url):
    store = GlossaryStore(url)
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    store.add(concept("kfor", "KFOR", "KFOR"))
    old, version = load_glossary("db", url, v1)
    assert version == v1 and [c.id for c in old] == ["pristina"]
    now, version = load_glossary("db", url)
    assert version == v1 + 1 and {c.id for c in now} == {"kfor", "pristina"}
    assert load_glossary("db", url, 0) == ([], 0)


def test_worker_cache_is_keyed_by_version(url):
    store = GlossaryStore(url)
    settings = Settings(database_url=url)
    cache: dict = {}
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    before = {"glossary": "db", "glossary_version": v1}
    assert [c.id for c in _glossary(before, settings, cache)] == ["pristina"]
    v2 = store.add(concept("kfor", "KFOR", "KFOR"))
    after = {"glossary": "db", "glossary_version": v2}
    assert {c.id for c in _glossary(after, settings, cache)} == {"kfor", "pristina"}   # the new concept
    assert [c.id for c in _glossary(before, settings, cache)] == ["pristina"]          # the old job keeps v1
    assert set(cache) == {("db", v1), ("db", v2)}
    assert _glossary({"glossary": "", "glossary_version": None}, settings, cache) is None


def test_worker_cache_stays_bounded(url):
    store = GlossaryStore(url)
    settings = Settings(database_url=url)
    cache: dict = {}
    for i in range(GLOSSARY_CACHE + 3):
        version = store.add(concept(f"c{i}", f"Name{i}", f"Ad{i}"))
        assert len(_glossary({"glossary": "db", "glossary_version": version}, settings, cache)) == i + 1
    assert len(cache) == GLOSSARY_CACHE


def test_reading_the_stored_glossary_opens_one_store_per_database(url, monkeypatch):
    import glossary.store

    opened, init = [], glossary.store.GlossaryStore.__init__

    def counting_init(self, store_url):
        opened.append(store_url)
        init(self, store_url)

    monkeypatch.setattr(glossary.store, "_SHARED", {})
    monkeypatch.setattr(glossary.store.GlossaryStore, "__init__", counting_init)
    for _ in range(5):
        load_glossary("db", url)
    assert opened == [url]                                # one engine, migrated once, not one per read
