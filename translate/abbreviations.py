"""The sentence splitter's word lists (``translate.segment``), per language: data only, each list in this one place.

Entries are lower case and without their final dot ("sr" holds both scripts); a space separates entries, and an
entry of two words ("et al") is written with a ``_`` between them. tests/unit/test_segment.py splits a sentence of
its own for every entry (tests/fixtures/abbreviation_sentences.py), so an entry added here needs one there.
"""

from __future__ import annotations

# Abbreviations that never end a sentence: titles, ranks, "St.", "Cad.", "ul.". In the other languages' text the
# English ones of up to four letters count too (news quotes English titles and names).
NEVER_FINAL = {
    "en": "mr mrs ms messrs dr prof gen maj lt col capt cpt sgt cpl pvt brig adm cmdr gov sen rep amb pres sec supt "
          "insp det st rev hon fig vol pp ed eds approx dept est mt ft ave blvd incl",
    "tr": "dr prof doç yrd tümg korg org tuğg tuğa tüma alb yzb ütğm tğm bnb kur bşk bşk.yrd sn av müh öğr gör "
          "arş şti tic san örn bkz yy no nr s sy çev haz ed sekr dz kuv cad mah uzm çvş",
    "sq": "dr prof z znj zj mr gjen kol kap mjr nr fq sh psh rr fsh shek",
    "sr": "dr prof mr gosp g gđa gđica gen puk maj kap sv ul br str tzv tj npr dipl ing čl por bul "
          "др проф мр госп г гђа гђица ген пук мај кап св ул бр стр тзв тј нпр дипл инж чл пор бул",
}

# Abbreviations that end no sentence when a number follows them ("Oct. 9", "No. 5", "15. јан. 2024"), in the text
# of any language: months and the words that name a number.
BEFORE_NUMBER = {
    "en": "no nos art p ch para jan feb mar apr jun jul aug sep sept oct nov dec",
    "tr": "",
    "sq": "tet",
    "sr": "avg okt јан феб мар апр јун јул авг сеп септ окт нов дец",
}

# Abbreviations that often end a sentence, in the text of any language: a full stop after them is a boundary only
# when a sentence starter (STARTERS) follows. Dotted ones (a.m., p.m., A.Ş.) need no entry: translate.segment treats
# every dotted acronym so.
SOMETIMES_FINAL = {
    "en": "etc inc ltd co jr sr corp et_al",
    "tr": "vb vs",
    "sq": "etj",
    "sr": "itd sl min итд сл мин",
}

# Initials of two letters ("Lj. Petrović"); a single capital letter and a full stop is an initial in every language.
INITIALS = {
    "en": "",
    "tr": "",
    "sq": "",
    "sr": "lj nj dž",
}

# Words that start sentences: after a dotted acronym or an abbreviation of SOMETIMES_FINAL (and, in Turkish, after a
# number) a full stop ends a sentence only before one of them.
STARTERS = {
    "en": "the a an he she it they we i you this that these those there his her its their our but and however "
          "meanwhile in on at after before during while since when if as for according officials police no some many "
          "most both one two three four five",
    "tr": "bu o bir ancak fakat ama ve de da şu bunun onun öte ayrıca daha bunlar bunlardan bunların buna bunu bunda "
          "bundan bununla onlar onlardan onların ona onu onda ondan şunu şunlar bunlara diğer öyle böylece hatta "
          "üstelik",
    "sq": "ai ajo ata ato ky kjo këto këta por dhe në sipas pas gjatë edhe",
    "sr": "on ona oni to taj ta ovo ovaj ova ali i u prema posle nakon tokom mnogi mnoge mnogo neki neke većina он "
          "она они то тај та ово овај ова али и у према после након током многи многе много неки неке већина",
}

# Turkish: words after which a number is a quantity or a year, so that a full stop after the number ends a (nominal)
# sentence before a capital ("ülke sayısı 27. Komisyon ...", "tarihi 17 Şubat 2008. Sırbistan ..."): an ordinal
# stands before its noun ("9. Kolordu"), never after a count, a rate, a total, "yüzde" or a month.
QUANTITY_WORDS = {
    "tr": "% sayısı sayı oranı oran miktarı toplamı toplam tutarı yüzde nüfusu rakamı yaşı puanı numarası saat "
          "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
}


def words(table: dict[str, str]) -> dict[str, frozenset[str]]:
    """A table's entries as sets per language (``_`` back to a space)."""
    return {lang: frozenset(entry.replace("_", " ") for entry in entries.split()) for lang, entries in table.items()}
