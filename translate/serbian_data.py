"""The word lists behind Serbian Latin -> Cyrillic conversion (translate.serbian), as data.

How a Latin word is judged (translate.serbian applies these in this order; a caller's house spellings, ``convert``
and ``keep`` come first):

1. Listed foreign acronyms and names (``FOREIGN_ACRONYMS``) stay Latin: KFOR, NATO, UNMIK, BBC.
2. A word with a letter Serbian Latin does not have (q, w, x, y, or any accented Latin letter other than
   č ć ž š đ: Hoxha, Erdoğan, Thaçi) or an apostrophe inside (McDonald's, O'Brien) is a foreign name: Latin.
3. A word with a letter only Serbian Latin has (č ć ž š đ), a listed Serbian acronym (``SERBIAN_ACRONYMS``), or an
   acronym of capitals joined by the conjunction "i" (KiM, BiH, SiCG) is Serbian: Cyrillic.
4. Other capitals inside a word (iPhone, McDonald, GmbH) mark a foreign name: Latin.
5. Roman numerals (II, XIV, XXI) stay Latin; those that are also Serbian words (``ROMAN_LOOKALIKES``: the
   conjunction I, the pronouns VI and MI, the particle LI) and single letters are read by their context.
6. Everything else is Serbian: words, names (Kfor, Eulex as the press inflects them) and acronyms written in
   capitals (RTS, SAD, MUP, OVK): Cyrillic.

Anything here can be overridden per call; the glossary's keep terms arrive as ``keep``.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


# Foreign acronyms and names in capitals that Serbian Cyrillic text keeps in Latin letters. Serbian acronyms of
# Serbian words are not here: UN (Ujedinjene nacije), EU, SAD, RTS, MUP, OEBS, MMF become УН, ЕУ, САД, РТС, МУП,
# ОЕБС, ММФ. Words with q, w, x or y (EULEX, WHO) would stay Latin without being listed.
FOREIGN_ACRONYMS = frozenset({
    "KFOR", "NATO", "EULEX", "UNMIK", "OSCE", "ODIHR", "UNHCR", "UNDP", "UNICEF", "UNESCO", "UNFPA", "OHCHR",
    "USAID", "CEFTA", "EUFOR", "IMF", "WHO", "OECD", "OPEC", "CERN", "ICTY", "ICJ", "ICC", "ECHR", "EBRD", "IOM",
    "FIFA", "UEFA", "NBA", "NFL", "UFC", "BBC", "CNN", "AFP", "DPA", "ANSA", "TASS", "RIA", "CIA", "FBI", "NSA",
    "USA", "UK", "N1", "OK", "COVID", "HRW",
})

# Serbian acronyms the rules above would keep in Latin: Roman-numeral shapes (CD = 400, CV = 105); mixed-case ones
# not joined by "i" would go here too.
SERBIAN_ACRONYMS = frozenset({"CD", "CV"})

# Roman numerals that are also Serbian words (or, one letter, an initial): read as numerals only in context.
# "I" is the conjunction at a sentence's start ("I ministar je ...") and in text written in capitals
# ("SRBIJA I KOSOVO"); VI (you), MI (we), LI (the question particle), DI (where) and DIV (giant) in text written in
# capitals.
ROMAN_LOOKALIKES = frozenset({"I", "VI", "MI", "LI", "DI", "DIV"})

# One letter alone is read as a numeral only if it is one of these (Karlo V, Apolo X, faza I); L, C, D, M alone are
# initials, grades and vitamins (vitamin D -> витамин Д).
SINGLE_LETTER_NUMERALS = frozenset("IVX")

# Words after which a capital I at a sentence's start is the numeral (I svetski rat, I vek, I deo), in Latin,
# lower case, Ekavian and Ijekavian.
ORDINAL_NOUNS = frozenset(_words("""
    svetski svetskog svetskom svetskoga svjetski svjetskog svjetskom balkanski balkanskog srpski srpskog
    vek veka veku vekom vijek vijeka vijeku milenijum milenijuma milenijumu
    deo dela delu dio dijela dijelu tom toma tomu knjiga knjige knjizi poglavlje poglavlja poglavlju
    kolo kola kolu liga lige ligi ligu razred razreda razredu stepen stepena stepenu kategorija kategorije
    kategoriji faza faze fazi etapa etape etapi stav stava stavu kongres kongresa kongresu zasedanje zasedanja
    zasjedanje zasjedanja ustanak ustanka armija armije armiji korpus korpusa brigada brigade bataljon bataljona
    krstaški krstaškog vatikanski vatikanskog internacionala internacionale
"""))

# Where "dž" is two letters: a prefix ending in d before a stem starting with ž (nadživeti, odžaliti, podžupan,
# predželudac). Every prefix goes with every stem; a stem not listed keeps dž one letter, as in odžak (оџак),
# nadžak (наџак), džep. A word may start with "ne" before the prefix (neodživljen).
DZ_PREFIXES = ("ispred", "iznad", "ispod", "pred", "nad", "pod", "od")
DZ_STEMS = (
    "živ", "žal", "žel", "žup", "žanr", "žet", "žnj", "žnje", "ždrel", "žvak", "žvać", "žubor", "žig", "žil", "žeo",
    "žari",
)
# Where "nj" or "dž" is two letters at a word's start, written with "|" between the two: injekcija, konjugacija,
# vanjezički, Tanjug, feldžandarm.
SPLIT_STARTS = (
    "in|jek", "in|jic", "in|junk", "in|jur", "kon|jug", "kon|junk", "van|jez", "tan|jug", "an|jon", "feld|žand",
)

# Generic top-level domains and file extensions: a dotted name ending in one of these (or in any two letters, a
# country code) stays whole in Latin letters: rts.rs, kfor.nato.int, aa.com.tr, Node.js, izvestaj.pdf. A dotted
# name of three or more labels stays whatever its last label (of two letters or more).
GENERIC_SUFFIXES = frozenset(_words("""
    com org net int edu gov mil info biz name pro aero coop museum mobi asia tel travel jobs cat eus gal post
    app dev news online site tech store blog media live shop xyz cloud agency press world global today email
    html htm php asp aspx js py pdf doc docx xls xlsx ppt pptx odt txt csv xml json jpg jpeg png gif svg mp3 mp4
    zip rar exe
"""))
