"""Sentence splitting and long-sentence cutting (translate.segment)."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import translate.segment
from tests.counting import counting, module_work, new_work
from tests.fixtures.abbreviation_sentences import ABBREVIATIONS, QUANTITIES
from translate import abbreviations as lists
from translate.segment import Sentence, split_long, split_sentences

pytestmark = pytest.mark.unit

EN = [
    (["KFOR commander Maj. Gen. Özkan Ulutaş met local leaders in Mitrovica on Oct. 9.",
      "He promised more joint patrols."]),
    (["The U.N. Security Council met on Tuesday to discuss Kosovo.", "Russia had asked for the session."]),
    (["Police closed Gate No. 5 at the Merdare crossing.", "Traffic resumed two hours later."]),
    (["Inflation eased to 3.5 percent in March.", "Bread prices fell by 0.8 percent."]),
    (["John F. Kennedy visited West Berlin in 1963.", "His speech is still quoted in Pristina."]),
    (['"We will stay," he said.', "The troops left the base the next morning."]),
    (['"We came here in 1999. We are still here. We will stay," Gen. Ulutaş told reporters.',
      "He then flew to Ankara."]),
    (["Is the Jarinje crossing open?", "Officials in Belgrade would not say."]),
    (["The crowd chanted for hours!", "Police did not intervene."]),
    (["The talks stalled again…", "Diplomats in Brussels blamed both sides."]),
    (["Aid included blankets, food, tents, etc.", "The convoy reached Gjilan on Monday."]),
    (["Aid included blankets, tents, etc. and reached Gjilan on Monday."]),
    (["The briefing starts at 10 a.m. on Friday in Pristina.", "Reporters must register."]),
    (["The convoy arrived at 10 a.m.", "The talks began an hour later."]),
    (["Lt. Col. Ayşe Demir took command in Sept. 2023.", "She had served in Prizren before."]),
    (["Dr. Arben Krasniqi teaches in Pristina.", "Prof. Jelena Marković teaches in Belgrade."]),
    (["The U.S. and the EU welcomed the deal.", "Belgrade did not comment."]),
    (["The money came from the U.S.", "The EU also sent funds."]),
    (["Mr. Berisha said the plan was ready.", "Mrs. Hoxha disagreed."]),
    (['KFOR said in a statement: "The situation is calm."', "Patrols continue in the north."]),
    (["The vote is set for Dec. 15.", "Turnout is expected to be low."]),
    (["Article 5 was not discussed, said Adm. Rob Bauer.", "No decision was taken."]),
    (["Really?!", "Nobody expected the bridge to reopen."]),
    (["The force was created in 1999 (under Resolution 1244).", "It now has about 4,500 troops."]),
    (["Gen. Ulutaş visited St. Nicholas church near Mitrovica on Sunday."]),
    (["Reporter J. R. Smith filed the story from Zvečan.", "It ran on Monday."]),
    (["He paused...", "Then he read the statement again."]),
    (["The contract went to Acme Inc.", "The company is based in Skopje."]),
    (['"Who will pay for the road?" asked the mayor.', "Nobody answered."]),
    (["“We are ready,” the minister said.", "“The army is not.”"]),
    (["The striker wore No. 10 for Prishtina.", "He scored twice."]),
    (["NATO troops patrol the north"]),
    (["The full statement is on www.kosovapress.com.", "Its editors work in Pristina."]),
    (["Questions can be sent to press@kfor.int.", "KFOR answers within a day."]),
    (["The agency counted 4.500.", "Officials in Belgrade gave no figure."]),
    (["Incl. taxes, the bill came to 40 euros.", "Nobody complained."]),
    (["The study by Hoxha et al. was published in May.", "It was cited in Brussels."]),
    (["The first paper on it was by Ilić et al.", "The second one came from Tirana."]),
]

TR = [
    (["KFOR Komutanı Tümg. Özkan Ulutaş, Mitrovica'yı ziyaret etti.", "Ziyarette yerel yöneticilerle görüştü."]),
    (["9. Kolordu Komutanı törene katıldı.", "Tören iki saat sürdü."]),
    (["Prof. Dr. Ayşe Kaya panelde konuştu.", "Konuşma ilgiyle izlendi."]),
    (["Yardımlar arasında battaniye, çadır vb. malzemeler vardı.", "Konvoy Pazartesi günü Gilan'a ulaştı."]),
    (["Ekonomi geçen yıl yüzde 3,5 büyüdü.", "Enflasyon ise yüzde 2.7 seviyesine geriledi."]),
    (["Tören 15. Tümen karargâhında yapıldı.", "Basın davet edilmedi."]),
    (["Sınır kapısı neden kapalı?", "Kimse cevap vermedi."]),
    (['"Burada kalacağız," dedi Ulutaş.', "Askerler onu alkışladı."]),
    (["Dr. Elif Kaya Prizren'de konuştu.", "Ardından gazetecilerin sorularını yanıtladı."]),
    (["Yrd. Doç. Dr. Mehmet Ak, 20. yüzyıl Balkan tarihini anlattı.", "Salon tamamen doluydu."]),
    (["Yarbay Ali Can, 2. Piyade Tugayı'nın komutanıdır.", "Tugay Prizren'de konuşlu."]),
    (["Bu harika bir haber!", "Herkes sevindi."]),
    (["NATO'ya göre Kosova'daki asker sayısı 4.500.", "Bu sayı önümüzdeki yıl artabilir."]),
    (["Bağımsızlık 17 Şubat 2008'de ilan edildi.", "Sırbistan bunu hâlâ tanımıyor."]),
    (["Bakan şöyle konuştu: \"Diyalog sürecek. Başka yol yok.\"", "Toplantı sona erdi."]),
    # A number before a capital: an ordinal before its noun, the end of a nominal sentence after a count or before a
    # sentence starter; a number with dots ends a sentence.
    (["KFOR Komutanı 9. Kolordu'yu ziyaret etti.", "Ziyaret iki saat sürdü."]),
    (["Türkiye'nin 2. Ordusu tatbikata katıldı."]),
    (["Ulutaş, 20. Yüzyıl Balkan Savaşları sergisini açtı."]),
    (["Konvoy 3. Köprü üzerinden Mitroviça'ya geçti."]),
    (["AB üyesi ülke sayısı 27.", "Bunlardan 22'si Kosova'yı tanıyor."]),
    (["Kosova'daki işsizlik yüzde 17.", "Gençler arasında bu oran daha yüksek."]),
    (["Seçimi kazanan partinin milletvekili sayısı 48.", "Meclis pazartesi toplanacak."]),
    (["Saldırıda yaralanan polislerin sayısı ise 3.", "Ancak adları açıklanmadı."]),
    (["Kosova'daki Türk askerlerinin sayısı 4.500.", "Askerlerin çoğu Prizren'de görev yapıyor."]),
    (["Toplantının başlama saati 14.30.", "Gazeteciler salona alınmadı."]),
    (["Kosova bağımsızlığını ilan ettiği tarih 17.02.2008.", "Sırbistan bunu hâlâ tanımıyor."]),
    (["Haberin tamamı www.aa.com.tr.", "Site her gün güncelleniyor."]),
    (["Başvurular için adres basin@kfor.int.", "Yanıtlar iki gün içinde geliyor."]),
]

SQ = [
    (["Z. Berisha takoi ambasadorin në Prishtinë.", "Takimi zgjati dy orë."]),
    (["Dr. Mira Hoxha punon në Pejë.", "Ajo drejton një klinikë private."]),
    (["Projektet e energjisë, p.sh. parqet diellore, po zgjerohen.", "Kjo është mirë për Kosovën."]),
    (["Ndihmat përfshinin batanije, ushqime etj. të cilat u shpërndanë në Gjilan.", "Konvoji u kthye."]),
    (["Në Gjilan u shpërndanë batanije, ushqime etj.", "Ajo ndihmë erdhi nga Turqia."]),
    (["Shtëpia nr. 5 u rindërtua pas zjarrit.", "Familja u kthye në tetor."]),
    (["Ekonomia u rrit me 3,5 për qind.", "Papunësia mbeti e lartë."]),
    (['"Do të qëndrojmë," tha gjeneralmajor Ulutaş.', "Ushtarët duartrokitën."]),
    (["A është hapur kufiri në Jarinjë?", "Zyrtarët nuk thanë asgjë."]),
    (["Prof. Arben Krasniqi foli për dialogun.", "Sipas tij, bisedimet janë provë durimi."]),
    (["Kjo është një ditë historike!", "Qytetarët festuan në rrugët e Prishtinës."]),
    (["„Jemi gati“, tha ministri.", "Ushtria nuk dha asnjë koment."]),
    (["Znj. Vjosa Gashi vizitoi Mitrovicën më 9 tetor.", "Ajo u takua me banorët."]),
    (["Gjen. Kolë Hasani komandon njësinë.", "Njësia ka 300 ushtarë."]),
    (["Numri i ushtarëve të KFOR-it është 4.500.", "Shumica e tyre janë në Prishtinë."]),
    (["Takimi nis në orën 14.30.", "Gazetarët duhet të vijnë më herët."]),
    (["Më shumë informata gjenden në www.rtklive.com.", "Faqja përditësohet çdo ditë."]),
    (["Pyetjet dërgohen në info@kfor.int.", "Përgjigjet vijnë brenda një dite."]),
    (["Ura e vjetër u ndërtua në shek. XV.", "Ajo u rindërtua pas luftës."]),
]

SR_LATN = [
    (["Komandant je posetio prelaz Jarinje 9. oktobra.", "Patrole su nastavljene."]),
    (["Politikolog dr Nenad Ilić govorio je na tribini.", "On je rekao da je dijalog jedini put."]),
    (["Prof. Jelena Marković predaje u Beogradu.", "Ona je stručnjak za izbore."]),
    (["Obnovljivi izvori, npr. solarni paneli, sve su zastupljeniji.", "To je dobra vest."]),
    (["Policija je zatvorila izlaz br. 5 na prelazu Merdare.", "Saobraćaj je preusmeren."]),
    (["Stigli su ćebad, hrana, lekovi itd.", "Mnoge porodice dobile su pomoć."]),
    (["Da li je granica otvorena?", "Niko nije odgovorio."]),
    (["„Ostaćemo ovde“, rekao je general.", "Vojnici su aplaudirali."]),
    (["Napad se dogodio u septembru 2023. godine.", "Istraga i dalje traje."]),
    (["Ročište je zakazano za 4. novembar u Prištini.", "Sud je potvrdio datum."]),
    (["Privreda je porasla za 3,5 odsto.", "Nezaposlenost je opala."]),
    (["Komandant je izjavio: „Bezbednost manastira je naš prioritet.“", "On je posetio Dečane."]),
    (["Kosovo je proglasilo nezavisnost 17.02.2008.", "Srbija to ne priznaje."]),
    (["Pitanja možete poslati na info@rts.rs.", "Odgovor stiže u roku od dva dana."]),
    (["Konferencija počinje u 14.30.", "Novinari se prijavljuju na ulazu."]),
    (["Pesme je prevela Lj. Marković.", "Knjiga je izašla u Nišu."]),
]

SR_CYRL = [
    (["Проф. Милан Јовановић је говорио у Звечану.", "Он је упозорио на одлазак младих."]),
    (["Многе породице, нпр. у околини Лепосавића, живе од пољопривреде.", "То је тежак живот."]),
    (["Полиција је затворила излаз бр. 5 на прелазу.", "Саобраћај је преусмерен."]),
    (["Према речима др Ане Петровић, недостаје лекара.", "Она ради у Лепосавићу."]),
    (["„Желимо миран живот“, рекла је мештанка.", "Њени суседи су се сложили."]),
    (["Да ли ће бити избора?", "Нико не зна."]),
    (["Утакмица је одиграна 15. марта у Београду.", "Црвена звезда је победила."]),
    (["Стигли су ћебад, храна итд.", "Многе породице су добиле помоћ."]),
    (["Командант је изјавио: „Безбедност манастира је наш приоритет.“", "Он је додао да патроле трају."]),
    (["Пут је затворен тзв. бетонским блоковима.", "Возачи чекају."]),
    (["Више информација има на www.rts.rs.", "Сајт се ажурира сваког дана."]),
    (["Број војника у бази је 4.500.", "Већина је из Италије."]),
    (["Седница је заказана за 15. јан. 2026. године.", "Позвани су сви посланици."]),
]

CASES = (
    [("en", s) for s in EN] + [("tr", s) for s in TR] + [("sq", s) for s in SQ]
    + [("sr-Latn", s) for s in SR_LATN] + [("sr-Cyrl", s) for s in SR_CYRL]
)


# --- the word lists: a sentence of its own for every entry (tests/fixtures/abbreviation_sentences.py) -----------
_TABLES = ("NEVER_FINAL", "BEFORE_NUMBER", "SOMETIMES_FINAL", "INITIALS")
_ENTRIES = [(lang, entry) for table in _TABLES for lang, entries in lists.words(getattr(lists, table)).items()
            for entry in sorted(entries)]
_QUANTITY_WORDS = [(lang, word) for lang, words in lists.words(lists.QUANTITY_WORDS).items() for word in sorted(words)]


def test_every_entry_has_a_sentence_and_every_sentence_an_entry():
    listed: dict[str, set[str]] = {lang: set() for lang in lists.NEVER_FINAL}
    for table in _TABLES:
        for lang, entries in lists.words(getattr(lists, table)).items():
            assert not listed[lang] & entries, (table, lang, listed[lang] & entries)  # one table per language
            listed[lang] |= entries
    assert {lang: set(sentences) for lang, sentences in ABBREVIATIONS.items()} == listed
    assert {lang: set(sentences) for lang, sentences in QUANTITIES.items()} == {
        lang: set(words) for lang, words in lists.words(lists.QUANTITY_WORDS).items()}


def _script(lang: str, entry: str) -> str:
    if lang != "sr":
        return lang
    return "sr-Cyrl" if re.search("[\u0400-\u04ff]", entry) else "sr-Latn"


def _without(monkeypatch, entry: str) -> None:
    """The splitter as if ``entry`` were in none of its lists (of any language)."""
    for name in ("ABBREVIATIONS", "_INITIALS", "_QUANTITY"):
        table = getattr(translate.segment, name)
        monkeypatch.setattr(translate.segment, name, {lang: words - {entry} for lang, words in table.items()})
    for name in ("_BEFORE_NUMBER", "_SOMETIMES_FINAL"):
        monkeypatch.setattr(translate.segment, name, getattr(translate.segment, name) - {entry})


def _check_needs_entry(monkeypatch, lang: str, entry: str, paragraph: str) -> None:
    expected = paragraph.split(" | ")
    text = " ".join(expected)
    assert [s.text for s in split_sentences(text, lang)] == expected
    _without(monkeypatch, entry)
    assert [s.text for s in split_sentences(text, lang)] != expected, f"the paragraph does not need {entry!r}"


@pytest.mark.parametrize("lang, entry", _ENTRIES, ids=[f"{lang}:{entry}" for lang, entry in _ENTRIES])
def test_abbreviation_in_its_sentence(monkeypatch, lang, entry):
    """Each abbreviation keeps its sentence whole (or, SOMETIMES_FINAL, whole before a capital that starts no
    sentence), and the sentence splits otherwise without it."""
    paragraph = ABBREVIATIONS[lang][entry]
    assert re.search(rf"(?<![\w.]){re.escape(entry)}\.", paragraph, re.IGNORECASE), paragraph
    _check_needs_entry(monkeypatch, _script(lang, entry), entry, paragraph)


@pytest.mark.parametrize("lang, word", _QUANTITY_WORDS, ids=[f"{lang}:{word}" for lang, word in _QUANTITY_WORDS])
def test_a_number_after_a_quantity_word_ends_a_sentence(monkeypatch, lang, word):
    """"ülke sayısı 27. Komisyon ...", "17 Şubat 2008. Sırbistan ...": a count or a year, not an ordinal; without
    the word, "27. Komisyon" reads as an ordinal before its noun."""
    paragraph = QUANTITIES[lang][word]
    number_ends = r"\d+\. \| " if word == "%" else r"\s+\d+\. \| "
    assert re.search(re.escape(word) + number_ends, paragraph, re.IGNORECASE), paragraph
    _check_needs_entry(monkeypatch, lang, word, paragraph)


def _ids(case: tuple[str, list[str]]) -> str:
    lang, sentences = case
    return f"{lang}:{sentences[0][:30]}"


def test_case_counts():
    assert len(EN) >= 25 and len(TR) >= 12 and len(SQ) >= 12 and len(SR_LATN) + len(SR_CYRL) >= 12


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_split_sentences(case):
    lang, expected = case
    paragraph = " ".join(expected)
    got = split_sentences(paragraph, lang)
    assert [s.text for s in got] == expected
    assert "".join(s.text + s.space_after for s in got) == paragraph.strip()


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_split_sentences_keeps_whitespace(case):
    lang, expected = case
    paragraph = "  " + "\n".join(expected) + " \n"
    got = split_sentences(paragraph, lang)
    assert [s.text for s in got] == expected
    assert [s.space_after for s in got] == ["\n"] * (len(expected) - 1) + [""]
    assert "".join(s.text + s.space_after for s in got) == paragraph.strip()


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty(text):
    assert split_sentences(text, "en") == []


def test_sentence_fields():
    assert split_sentences("KFOR patrols.  NATO agrees.", "en") == [
        Sentence("KFOR patrols.", "  "), Sentence("NATO agrees.", "")]


def test_unknown_language_falls_back_to_english():
    assert [s.text for s in split_sentences("Maj. Gen. Ulutaş left. He returned.", "de")] == [
        "Maj. Gen. Ulutaş left.", "He returned."]


_PARAGRAPH_TEXT = st.text(
    alphabet=st.sampled_from(list("abc ABC .!?…\"'“”„«»()\n,;:-0123456789ëşćЉљ")), max_size=200)


@given(_PARAGRAPH_TEXT, st.sampled_from(["en", "tr", "sq", "sr-Latn", "sr-Cyrl"]))
def test_split_sentences_round_trip(text, lang):
    got = split_sentences(text, lang)
    assert "".join(s.text + s.space_after for s in got) == text.strip()
    assert all(s.text and s.text == s.text.strip() for s in got)


def _words(s: str) -> int:
    return len(s.split())


def test_split_long_short_sentence_unchanged():
    sentence = "NATO troops patrol the north."
    assert split_long(sentence, 10, _words) == [sentence]


def test_split_long_prefers_semicolon():
    sentence = ("KFOR increased patrols near the bridge, officials said; the mayor, however, "
                "asked residents to stay calm.")
    assert split_long(sentence, 10, _words) == [
        "KFOR increased patrols near the bridge, officials said; ",
        "the mayor, however, asked residents to stay calm.",
    ]


def test_split_long_then_commas():
    sentence = "Troops from Italy, Turkey, Poland and Hungary patrolled the north, the statement said."
    pieces = split_long(sentence, 8, _words)
    assert "".join(pieces) == sentence
    assert pieces == ["Troops from Italy, Turkey, ", "Poland and Hungary patrolled the north, ",
                      "the statement said."]


def test_split_long_then_dashes():
    sentence = "The bridge over the Ibar river in Mitrovica – closed since 2011 – may reopen next spring"
    pieces = split_long(sentence, 9, _words)
    assert "".join(pieces) == sentence
    assert all(_words(p) <= 9 for p in pieces)
    assert pieces[1].startswith("– ")


def test_split_long_very_long_word():
    word = "x" * 100
    pieces = split_long(word, 10, len)
    assert "".join(pieces) == word
    assert all(len(p) <= 10 for p in pieces)


@pytest.mark.parametrize("limit", [1, 7, 50, 200])
def test_split_long_2000_words_without_punctuation(limit, monkeypatch):
    vocab = ["patrol", "border", "village", "road", "police", "bridge", "river", "market", "school", "Pristina"]
    sentence = " ".join(vocab[i % len(vocab)] for i in range(2000))
    work = new_work()
    patterns = counting(translate.segment._CLAUSE_BREAKS, work)
    monkeypatch.setattr(translate.segment, "_CLAUSE_BREAKS", patterns)
    pieces = split_long(sentence, limit, _words)
    assert "".join(pieces) == sentence
    assert all(_words(p) <= limit for p in pieces)
    assert len(pieces) >= 2000 // limit
    # Cutting nearest the middle halves the text at each level: every level scans the sentence once
    # per pattern, and there are about log2(2000 / limit) levels. Cutting off a few words at a time
    # would make it quadratic (hundreds of times the sentence).
    levels = math.log2(2000 / limit) + 3
    assert work["regex chars"] <= len(patterns) * len(sentence) * levels, work
    assert work["regex matches"] <= 2000 * levels, work


_WORD = st.text(alphabet=st.sampled_from(list("abcšđЉ")), min_size=1, max_size=8)
_SEP = st.sampled_from([" ", ", ", "; ", ": ", " – ", " - ", "  ", "\n"])


@given(st.lists(st.tuples(_WORD, _SEP), min_size=1, max_size=60), st.integers(1, 12))
@settings(max_examples=200)
def test_split_long_joins_exactly_and_fits(parts, limit):
    sentence = "".join(w + sep for w, sep in parts).strip()
    pieces = split_long(sentence, limit, _words)
    assert "".join(pieces) == sentence
    assert all(p for p in pieces)
    assert all(_words(p) <= limit for p in pieces)


@given(st.text(max_size=300), st.integers(0, 40))
@settings(max_examples=200)
def test_split_long_any_text_joins_exactly(text, limit):
    pieces = split_long(text, limit, len)
    assert "".join(pieces) == text


@pytest.mark.parametrize("lang", ["en", "tr", "sq", "sr-Latn", "sr-Cyrl"])
def test_corpus_lines_come_back(lang):
    """Each fixture corpus file holds one sentence a line; the joined file splits back into its lines."""
    from pathlib import Path

    lines = (Path(__file__).parents[1] / "fixtures" / "corpus" / f"{lang}.txt").read_text("utf-8").splitlines()
    assert [s.text for s in split_sentences(" ".join(lines), lang)] == lines


def _assert_linear(make, run, growth: float = 4.5) -> None:
    """The work on ``make(8000)`` is at most ``growth`` times the work on ``make(2000)``: about 4 when it is
    linear, 16 when it is quadratic."""
    small, large = (module_work(translate.segment, lambda n=n: run(make(n))) for n in (2000, 8000))
    for key in small:
        assert large[key] <= growth * small[key], (key, small, large)


_NEWS = [sentence for _, sentences in CASES for sentence in sentences]
_LONG_PARAGRAPHS = {
    "every full stop ends a sentence": lambda n: "He said. " * n,
    "dotted acronyms": lambda n: "U.S. " * n,
    "unclosed quotation marks": lambda n: "“word " * n,
    "quoted sentences": lambda n: "“He left. She stayed.” " * n,
    "news sentences": lambda n: " ".join(_NEWS[i % len(_NEWS)] for i in range(n)),
}


_LONG_PARAGRAPHS_IN = {  # where a rule reads the word before a number or "al."
    "Turkish counts": ("tr", lambda n: "Ülke sayısı 27. Komisyon karar verdi. " * n),
    "Turkish ordinals": ("tr", lambda n: "9. Kolordu " * n),
    "spaces before a Turkish number": ("tr", lambda n: "sayısı" + " " * n + "27. Komisyon"),
    "et al.": ("en", lambda n: "Hoxha et al. Berisha et al. " * n),
    "dotted numbers": ("sr-Latn", lambda n: "Sastanak je u 14.30. Ulaz je slobodan. " * n),
    "domain names": ("en", lambda n: "See www.aa.com.tr. Write to info@rts.rs. " * n),
}


@pytest.mark.parametrize("make", _LONG_PARAGRAPHS.values(), ids=_LONG_PARAGRAPHS)
def test_split_sentences_work_grows_linearly(make):
    _assert_linear(make, split_sentences)


@pytest.mark.parametrize("lang, make", _LONG_PARAGRAPHS_IN.values(), ids=_LONG_PARAGRAPHS_IN)
def test_split_sentences_work_grows_linearly_in(lang, make):
    _assert_linear(make, lambda text: split_sentences(text, lang))


def test_split_sentences_long_paragraph():
    assert len(split_sentences("He said. " * 8000)) == 8000
    assert [s.text for s in split_sentences("U.S. " * 8000)] == [("U.S. " * 8000).strip()]
    assert [s.text for s in split_sentences("“word " * 8000)] == [("“word " * 8000).strip()]


@pytest.mark.parametrize("make", [lambda n: "a" + " " * n + "b", lambda n: "a" + " " * n + "- b"],
                         ids=["spaces", "spaces before a dash"])
def test_split_long_whitespace_run_work_grows_linearly(make):
    _assert_linear(make, lambda text: split_long(text, 1, _words))


def test_split_long_many_dashes_work_grows_as_n_log_n():
    """Cutting in the middle until each piece fits: log2(n) levels, each scanning the whole sentence."""
    growth = 4.5 * math.log2(8000) / math.log2(2000)
    _assert_linear(lambda n: "a" + " -" * n + " b", lambda text: split_long(text, 1, _words), growth)


@pytest.mark.parametrize("pattern, text", [
    (translate.segment._END, "Wait" + "." * 2000 + " Then"),
    (translate.segment._CLAUSE_BREAKS[0], "a;" + " " * 2000 + "b"),
    (translate.segment._CLAUSE_BREAKS[1], "a," + " " * 2000 + "b"),
    (translate.segment._CLAUSE_BREAKS[2], "a" + " " * 2000 + "- b"),
], ids=["full stops", "semicolon", "comma", "dash"])
def test_a_match_starts_only_at_the_start_of_a_run(pattern, text):
    """A regex scan whose match fails at the end of a long run (dots with no whitespace after them, spaces with no
    dash after them) tries again from each character of the run, reading the rest of it each time (quadratic),
    unless a match can only start at the run's first character. Here the match succeeds, to see where it can
    start."""
    assert len([i for i in range(len(text)) if pattern.match(text, i)]) == 1
