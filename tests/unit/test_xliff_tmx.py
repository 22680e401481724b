"""XLIFF 2.1 export/import of drafts and TMX 1.4b export/import of memory units."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from lxml import etree

from common.xml import parse_safely
from newsroom import tmx, xliff
from newsroom.jobs import JobStore, SegmentRow
from newsroom.review import Review
from translate.formats import Block

pytestmark = pytest.mark.unit

NS = {"x": xliff.NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

SCRIPT = "Hello <script>alert(1)</script> & friends."
TARGET_SCRIPT = "Здраво <script>alert(1)</script> & пријатељи."


@pytest.fixture
def store(tmp_path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")


def make_draft(store: JobStore, source_lang: str = "en", target: str = "sr-Cyrl",
               first: str = SCRIPT) -> tuple[str, dict]:
    """A job with one draft: line 0 has two sentences, line 1 is blank, line 2 has one."""
    second, third = "Prices went up by 5 % < 10 %.", "Pristina is the capital."
    blocks = [asdict(Block("", f"{first} {second}")), asdict(Block("", "", translate=False)),
              asdict(Block("# ", third))]
    rows = [SegmentRow(0, 0, first, space_after=" "), SegmentRow(1, 0, second), SegmentRow(2, 2, third)]
    job_id, drafts = store.create_job(source_lang=source_lang, text=f"{first} {second}\n\n# {third}\n", fmt="markdown",
                                      targets=[(target, 1, blocks, rows)])
    draft_id = drafts[target]
    store.start(draft_id, 0)
    store.save_segments(draft_id, [
        SegmentRow(0, 0, first, target=TARGET_SCRIPT if first == SCRIPT else "Прво."),
        SegmentRow(1, 0, second, target="Цене су порасле за 5 % < 10 %.", flags=["length_ratio", "number_mismatch"],
                   terms={"expected": ["pristina"], "found": [], "missing": ["pristina"], "forbidden": [],
                          "undecided": []}),
    ])
    store.finish_draft(draft_id)
    return job_id, store.draft(draft_id)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def unit(root: etree._Element, idx: int) -> etree._Element:
    return root.xpath(f"//x:unit[@id='u{idx}']", namespaces=NS)[0]


def set_target(root: etree._Element, idx: int, text: str) -> None:
    segment = unit(root, idx).find("x:segment", NS)
    target = segment.find("x:target", NS)
    if target is None:
        target = etree.SubElement(segment, xliff.q("target"))
    target.text = text


# --- XLIFF export ----------------------------------------------------------------------------------
def test_export_is_valid_xliff_2_1(store):
    job_id, draft = make_draft(store)
    data = xliff.export_draft(draft, "en", job_id)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert xliff.validate(data) == []
    root = parse(data)
    assert root.tag == f"{{{xliff.NS}}}xliff"
    assert root.nsmap[None] == xliff.NS
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "sr-Cyrl")
    files = root.xpath("/x:xliff/x:file", namespaces=NS)
    assert len(files) == 1
    assert files[0].get("id") == f"f-{draft['id']}"
    assert files[0].get("original") == f"job/{job_id}"
    assert root.xpath("//x:group/@id", namespaces=NS) == ["b0", "b2"]          # no group for the blank line
    assert root.xpath("//x:group[@id='b0']/x:unit/@id", namespaces=NS) == ["u0", "u1"]
    assert root.xpath("//x:unit/x:segment/@id", namespaces=NS) == ["s0", "s1", "s2"]
    for element in root.xpath("//x:segment/x:source | //x:segment/x:target", namespaces=NS):
        assert element.get(XML_SPACE) == "preserve"
    assert b"\n  <file" in data                                                  # indented


def test_segment_states_follow_review(store):
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    assert root.xpath("//x:segment/@state", namespaces=NS) == ["translated", "translated", "initial"]

    review = Review(store)
    review.set_segment(draft["id"], 0, "approved", "ana")          # as the desk and the API do it
    review.edit(draft["id"], 1, "Цене су порасле за 5 % < 10 %!", 0, "ana")
    draft = store.draft(draft["id"])
    root = parse(xliff.export_draft(draft, "en", job_id))
    states = root.xpath("//x:segment/@state", namespaces=NS)
    assert states == ["final", "reviewed", "initial"]
    assert unit(root, 2).find("x:segment/x:target", NS) is None                 # no target yet

    approved = {**draft, "state": "approved"}
    root = parse(xliff.export_draft(approved, "en", job_id))
    assert root.xpath("//x:segment/@state", namespaces=NS) == ["final", "final", "initial"]


def test_file_notes_name_the_model_of_each_hop(store):
    job_id, draft = make_draft(store)
    store.record_model(draft["id"], 0, {"direction": "en-sr", "model": "Helsinki-NLP/opus-mt-tc-base-en-sh",
                                        "revision": "abc123", "fixture": None})
    data = xliff.export_draft(store.draft(draft["id"]), "en", job_id)
    notes = parse(data).xpath("/x:xliff/x:file/x:notes/x:note", namespaces=NS)
    assert [(n.get("category"), n.text) for n in notes] == [
        ("model", "hop 0 en-sr: Helsinki-NLP/opus-mt-tc-base-en-sh @ abc123")]
    assert xliff.validate(data) == []


def test_notes_carry_flags_and_glossary_report(store):
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    notes = unit(root, 1).xpath("x:notes/x:note", namespaces=NS)
    assert [(n.get("category"), n.text) for n in notes] == [
        ("qa", "length_ratio"), ("qa", "number_mismatch"), ("terminology", "missing: pristina")]
    assert unit(root, 1)[0].tag == xliff.q("notes")                            # notes come first
    assert unit(root, 2).find("x:notes", NS) is None


def test_markup_in_text_is_escaped_and_round_trips(store):
    job_id, draft = make_draft(store)
    data = xliff.export_draft(draft, "en", job_id)
    assert b"<script>" not in data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends." in data
    assert b"5 % &lt; 10 %" in data
    root = parse(data)
    assert xliff.content_text(unit(root, 0).find("x:segment/x:source", NS)) == SCRIPT
    assert xliff.content_text(unit(root, 0).find("x:segment/x:target", NS)) == TARGET_SCRIPT
    ignorable = unit(root, 0).find("x:ignorable/x:source", NS)
    assert ignorable.text == " " and ignorable.get(XML_SPACE) == "preserve"
    assert unit(root, 1).find("x:ignorable", NS) is None
    assert xliff.import_draft(data, draft, "en") == {}


def test_characters_xml_cannot_carry_become_cp(store):
    job_id, draft = make_draft(store, first="Form\x0cfeed \x01 end.")
    data = xliff.export_draft(draft, "en", job_id)
    assert xliff.validate(data) == []
    root = parse(data)
    source = unit(root, 0).find("x:segment/x:source", NS)
    assert [cp.get("hex") for cp in source.findall("x:cp", NS)] == ["000C", "0001"]
    assert xliff.content_text(source) == "Form\x0cfeed \x01 end."
    assert xliff.import_draft(data, draft, "en") == {}


def test_whitespace_inside_texts_survives_indentation(store):
    job_id, draft = make_draft(store, first="  Spaced   out.  ")
    root = parse(xliff.export_draft(draft, "en", job_id))
    assert unit(root, 0).find("x:segment/x:source", NS).text == "  Spaced   out.  "


# --- XLIFF import ----------------------------------------------------------------------------------
def test_import_returns_exactly_the_edited_targets(store):
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    set_target(root, 1, "Цене су порасле за 5 % < 10 % (исправљено).")
    set_target(root, 2, "Приштина је главни град.")
    edited = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert xliff.import_draft(edited, draft, "en") == {
        1: "Цене су порасле за 5 % < 10 % (исправљено).", 2: "Приштина је главни град."}
    assert xliff.import_draft(edited, {**draft, "source_lang": "en"}) == {
        1: "Цене су порасле за 5 % < 10 % (исправљено).", 2: "Приштина је главни град."}


def test_import_reads_text_inside_inline_annotations(store):
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    target = unit(root, 1).find("x:segment/x:target", NS)
    target.text = "Цене "
    mrk = etree.SubElement(target, xliff.q("mrk"), id="m1", type="comment", value="check")
    mrk.text = "су"
    mrk.tail = " порасле."
    edited = etree.tostring(root, encoding="UTF-8")
    assert xliff.import_draft(edited, draft, "en") == {1: "Цене су порасле."}


def test_altered_source_is_rejected_naming_the_unit(store):
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    unit(root, 1).find("x:segment/x:source", NS).text = "Prices went down."
    with pytest.raises(xliff.XliffError, match=r"<unit id='u1'> \(line \d+\).*source text differs"):
        xliff.import_draft(etree.tostring(root), draft, "en")


def test_file_of_another_draft_is_rejected(store):
    _, draft = make_draft(store)
    other_job, other = make_draft(store, first="Another article.")
    data = xliff.export_draft(other, "en", other_job)
    with pytest.raises(xliff.XliffError, match=r"<file id=.*another draft"):
        xliff.import_draft(data, draft, "en")
    # Even with the file id forged, the sources give it away.
    forged = data.replace(f"f-{other['id']}".encode(), f"f-{draft['id']}".encode())
    with pytest.raises(xliff.XliffError, match=r"<unit id='u0'>.*another draft or was altered"):
        xliff.import_draft(forged, draft, "en")


def test_unknown_unit_and_wrong_languages_are_rejected(store):
    job_id, draft = make_draft(store)
    data = xliff.export_draft(draft, "en", job_id)
    with pytest.raises(xliff.XliffError, match=r"<unit id='u9'>.*no such segment"):
        xliff.import_draft(data.replace(b'id="u2"', b'id="u9"'), draft, "en")
    with pytest.raises(xliff.XliffError, match=r"trgLang='sr-Latn'"):
        xliff.import_draft(data.replace(b'trgLang="sr-Cyrl"', b'trgLang="sr-Latn"'), draft, "en")
    with pytest.raises(xliff.XliffError, match=r"srcLang='en'.*from tr"):
        xliff.import_draft(data, draft, "tr")
    with pytest.raises(xliff.XliffError, match=r"version '1.2'"):
        xliff.import_draft(data.replace(b'version="2.1"', b'version="1.2"'), draft, "en")
    with pytest.raises(xliff.XliffError, match=r"root element"):
        xliff.import_draft(data.replace(xliff.NS.encode(), b"urn:oasis:names:tc:xliff:document:1.2"), draft, "en")
    with pytest.raises(xliff.XliffError, match=r"^line \d+: malformed XML"):
        xliff.import_draft(data[:-40], draft, "en")


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="sr-Cyrl">
  <file id="f-x"><unit id="u0"><segment><source>&d;</source></segment></unit></file>
</xliff>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="tr">
  <file id="f-x"><unit id="u0"><segment><source>&secret;</source></segment></unit></file>
</xliff>
"""


@pytest.mark.parametrize("document", [BOMB, XXE, BOMB.replace(b"<!ENTITY", b"<!entity")], ids=["bomb", "xxe", "case"])
def test_entity_declarations_are_refused(store, document):
    _, draft = make_draft(store)
    with pytest.raises(xliff.XliffError, match=r"entit"):
        xliff.import_draft(document, draft, "en")
    problems = xliff.validate(document)
    assert len(problems) == 1 and "entit" in problems[0]


def test_entity_declaration_in_utf16_is_refused_after_parsing():
    document = XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
    with pytest.raises(xliff.XliffError, match=r"DTD|entit"):
        parse_safely(document, xliff.XliffError, "XLIFF")


# --- XLIFF validation ------------------------------------------------------------------------------
def _broken(store, change) -> list[str]:
    job_id, draft = make_draft(store)
    root = parse(xliff.export_draft(draft, "en", job_id))
    change(root)
    return xliff.validate(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_validate_reports_missing_src_lang(store):
    problems = _broken(store, lambda root: root.attrib.pop("srcLang"))
    assert len(problems) == 1 and "<xliff> (line 2): the srcLang attribute is required" in problems[0]


def test_validate_reports_missing_trg_lang_only_with_targets(store):
    assert any("trgLang is required" in p for p in _broken(store, lambda root: root.attrib.pop("trgLang")))
    doc = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">'
           b'<file id="f"><unit id="u"><segment><source>Hi</source></segment></unit></file></xliff>')
    assert xliff.validate(doc) == []


def test_validate_reports_duplicate_unit_id(store):
    problems = _broken(store, lambda root: unit(root, 2).set("id", "u0"))
    assert len(problems) == 1 and "duplicate unit id 'u0'" in problems[0] and "line" in problems[0]


def test_validate_reports_bad_state(store):
    def change(root):
        unit(root, 1).find("x:segment", NS).set("state", "approved")
    problems = _broken(store, change)
    assert len(problems) == 1 and "state='approved'" in problems[0] and "<segment id='s1'>" in problems[0]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda root: root.set("version", "3.0"), "version '3.0'"),
    (lambda root: root.attrib.pop("version"), "version attribute is required"),
    (lambda root: root[0].attrib.pop("id"), "id attribute of <file> is required"),
    (lambda root: root.append(etree.fromstring(etree.tostring(root[0]))), "duplicate file id"),
    (lambda root: unit(root, 1).remove(unit(root, 1).find("x:segment", NS)), "needs at least one <segment>"),
    (lambda root: unit(root, 1).find("x:segment", NS).insert(0, etree.Element(xliff.q("source"))),
     "exactly one <source>, found 2"),
    (lambda root: unit(root, 1).find("x:segment", NS).append(etree.Element(xliff.q("target"))),
     "at most one <target>, found 2"),
    (lambda root: unit(root, 1).find("x:segment", NS).append(unit(root, 1).find("x:notes", NS)),
     "<notes> is only allowed in <file>, <group> and <unit>"),
    (lambda root: unit(root, 0).attrib.pop("id"), "id attribute of <unit> is required"),
    (lambda root: unit(root, 0).find("x:segment", NS).attrib.update({"subState": "x:y", "state": "final"})
     or unit(root, 0).find("x:segment", NS).attrib.pop("state"), "subState requires"),
    (lambda root: unit(root, 0).find("x:segment/x:source", NS).set(xliff.XML_LANG, "tr"), "differs from srcLang"),
    (lambda root: unit(root, 0).append(etree.Element(xliff.q("bogus"))), "not an XLIFF 2 core element"),
    (lambda root: unit(root, 0).find("x:segment", NS).set("id", "s1"), None),   # ids only need be unique per unit
])
def test_validate_reports_structural_problems(store, change, expected):
    problems = _broken(store, change)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_validate_rejects_other_roots_and_garbage():
    assert "root element must be <xliff>" in xliff.validate(b"<xliff version='2.1'/>")[0]
    assert "malformed XML" in xliff.validate(b"<xliff")[0]


# --- TMX -------------------------------------------------------------------------------------------
WHEN = datetime(2026, 11, 30, 14, 5, 9, tzinfo=UTC)
UNITS = [
    {"id": 1, "source_lang": "en", "target_lang": "sr-Cyrl", "source": "The assembly met in Pristina.",
     "target": "Скупштина се састала у Приштини.", "created_at": WHEN, "updated_at": WHEN, "uses": 3},
    {"id": 2, "source_lang": "en", "target_lang": "tr", "source": "Prices rose by 5 % & more <again>.",
     "target": "Fiyatlar %5 ve daha fazla arttı: İstanbul'da ağır şartlar.", "created_at": WHEN},
]


def test_tmx_round_trip():
    data = tmx.export_tm(UNITS, version="9.9")
    assert tmx.validate(data) == []
    root = etree.fromstring(data)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert {k: header.get(k) for k in tmx.HEADER_REQUIRED} == {
        "creationtool": "dragoman", "creationtoolversion": "9.9", "segtype": "sentence", "o-tmf": "dragoman",
        "adminlang": "en", "srclang": "en", "datatype": "plaintext"}
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["1", "2"]
    assert tus[0].get("creationdate") == "20261130T140509Z"
    assert tus[0].get("usagecount") == "3"
    assert tus[0].xpath("tuv/@xml:lang") == ["en", "sr-Cyrl"]
    assert b"&amp; more &lt;again&gt;" in data
    back = tmx.import_tm(data)
    assert [(u["source_lang"], u["target_lang"], u["source"], u["target"]) for u in back] == [
        (u["source_lang"], u["target_lang"], u["source"], u["target"]) for u in UNITS]
    assert back[0]["created_at"] == WHEN


def test_tmx_header_srclang_all_for_mixed_sources():
    units = [*UNITS, {"source_lang": "tr", "target_lang": "en", "source": "Günaydın.", "target": "Good morning."}]
    data = tmx.export_tm(units)
    assert tmx.validate(data) == []
    assert etree.fromstring(data).find("header").get("srclang") == "*all*"
    assert tmx.import_tm(data)[-1]["source_lang"] == "tr"
    assert tmx.validate(tmx.export_tm([])) == []


def test_tmx_import_of_foreign_files():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header creationtool="X" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en"
  srclang="sq" datatype="plaintext"/>
<body>
  <tu><tuv xml:lang="en-US"><seg>The <hi>new</hi> bridge<ph>&lt;br/&gt;</ph> opened.</seg></tuv>
      <tuv xml:lang="sq"><seg>Ura e re u hap.</seg></tuv>
      <tuv xml:lang="sr-Latn"><seg>Novi most je otvoren.</seg></tuv></tu>
</body></tmx>"""
    assert tmx.validate(data) == []
    units = tmx.import_tm(data)
    assert [(u["source_lang"], u["target_lang"], u["source"], u["target"]) for u in units] == [
        ("sq", "en-US", "Ura e re u hap.", "The new bridge opened."),
        ("sq", "sr-Latn", "Ura e re u hap.", "Novi most je otvoren.")]


def test_tmx_refuses_entities():
    bomb = BOMB.replace(b"<!DOCTYPE xliff", b"<!DOCTYPE tmx")
    with pytest.raises(tmx.TmxError, match=r"entit"):
        tmx.import_tm(bomb)
    assert "entit" in tmx.validate(bomb)[0]


@pytest.mark.parametrize(("old", "new", "expected"), [
    (b'version="1.4"', b'version="1.1"', "expected 1.4"),
    (b'creationtool="dragoman" ', b"", "creationtool attribute is required"),
    (b'segtype="sentence"', b'segtype="word"', "segtype='word'"),
    (b'datatype="plaintext"', b"", "datatype attribute is required"),
    (b'creationdate="20261130T140509Z"', b'creationdate="2026-11-30"', "is not a TMX date"),
    (b'xml:lang="sr-Cyrl"', b"", "xml:lang attribute is required"),
    (b"</seg>\n      </tuv>\n    </tu>", b"</seg><seg>x</seg></tuv></tu>", "exactly one <seg>, found 2"),
])
def test_tmx_validate_reports_problems(old, new, expected):
    data = tmx.export_tm(UNITS[:1])
    broken = data.replace(old, new, 1)
    assert broken != data
    problems = tmx.validate(broken)
    assert any(expected in p for p in problems), problems
    assert all("line" in p for p in problems)


def test_tmx_validate_reports_structure():
    data = tmx.export_tm(UNITS[:1])
    root = etree.fromstring(data)
    tu = root.find("body/tu")
    tu.remove(tu.findall("tuv")[1])
    problems = tmx.validate(etree.tostring(root))
    assert any("at least two <tuv>, found 1" in p for p in problems)
    root.remove(root.find("header"))
    assert any("one <header> followed by one <body>" in p for p in tmx.validate(etree.tostring(root)))
    assert "root element must be <tmx>" in tmx.validate(b"<xliff/>")[0]


# --- inline tags (HTML drafts) ----------------------------------------------------------------------------
def html_draft(store: JobStore) -> tuple[str, dict]:
    """An HTML job's draft whose segments carry inline tags, one of them across a sentence boundary."""
    from translate.pipeline import segment as cut

    text = ('<p>The <a href="/x?a=1&amp;b=2">minister</a> said the <strong>bridge will open. Residents</strong> '
            'doubt it.<img src="i.png"></p>')
    blocks, segs = cut(text, "en", "html")
    rows = [SegmentRow(s.index, s.block, s.source, s.space_after) for s in segs]
    job_id, drafts = store.create_job(source_lang="en", text=text, fmt="html",
                                      targets=[("sq", 1, [asdict(b) for b in blocks], rows)])
    draft_id = drafts["sq"]
    store.start(draft_id, 0)
    store.save_segments(draft_id, [SegmentRow(s.index, s.block, s.source, s.space_after, None, s.source)
                                   for s in segs])
    store.finish_draft(draft_id)
    return job_id, store.draft(draft_id)


def test_inline_tags_are_pc_ph_sc_ec_with_their_markup_and_read_back(store):
    from translate import inline

    job_id, draft = html_draft(store)
    data = xliff.export_draft(draft, "en", job_id)
    assert xliff.validate(data) == []
    root = parse(data)
    first, second = unit(root, 0), unit(root, 1)
    pc = first.find("x:segment/x:source/x:pc", NS)
    assert (pc.get("dataRefStart"), pc.get("dataRefEnd"), pc.text) == ("o1", "c1", "minister")
    assert first.find("x:segment/x:source/x:sc", NS).get("isolated") == "yes"   # <strong> opens here ...
    assert second.find("x:segment/x:source/x:ec", NS).get("isolated") == "yes"  # ... and closes there
    assert second.find("x:segment/x:target/x:ph", NS).get("dataRef") == "s3"
    data_of = {d.get("id"): d.text for d in first.iterfind("x:originalData/x:data", NS)}
    assert data_of == {"o1": '<a href="/x?a=1&amp;b=2">', "c1": "</a>", "o2": "<strong>"}
    assert xliff.import_draft(data, draft, "en") == {}  # read back exactly: same sources, same targets
    # A CAT tool's edit: words changed inside the pair, the <ph> moved to the front.
    target = second.find("x:segment/x:target", NS)
    ec, ph = target.find("x:ec", NS), target.find("x:ph", NS)
    target.remove(ph)
    target.insert(0, ph)
    target.text, ph.tail, ec.tail = "", "Banorët", " dyshojnë."
    changed = xliff.import_draft(etree.tostring(root, encoding="UTF-8"), draft, "en")
    assert list(changed) == [1]
    assert changed[1] == inline.code(inline.ALONE, 3) + "Banorët" + inline.code(inline.CLOSE, 2) + " dyshojnë."
