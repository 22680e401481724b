"""Does Serbian Latin text read Croatian or Bosnian? dragoman serves Serbian, not Croatian or Bosnian,
and their Latin text is close to Serbian's: the detector still says sr-Latn, with a note.

Two tells, each counted against its Serbian counterpart in the text's lower-case words and the words
that open its sentences ("Cijene goriva rastu"; not capitalised names within a sentence, such as
"u Rijeci", nor the ijekavian place names Serbian writes as they are, ``PLACES``, opening one:
"Rijeka je dobila novi stadion"), read folded (without diacritics, so "tisuca" is "tisuća"); a word
ending in ``-`` below is a beginning of words:
- ijekavian forms (*rijeka, vrijeme, mlijeko, gdje, prije*: Croatian, Bosnian, Montenegrin and the
  Serbian of Bosnia) against the ekavian ones of Serbia (*reka, vreme, mleko, gde, pre*);
- Croatian words (*tisuća, tjedan, sveučilište, izvješće, glede, tijekom*, the Croatian months)
  against the Serbian ones (*hiljada, nedelja, avgust, univerzitet, izveštaj, tokom*). *Kolovoz* is
  August in Croatian but the roadway in Serbian ("oštećenja kolovoza"): it counts as the month only
  in a date ("15. kolovoza", "kolovoza 2024.", "početkom kolovoza").
The text leans Croatian/Bosnian when either tell outnumbers its counterpart.
"""

from __future__ import annotations

import re

from translate.detect.tokens import Words, fold, fold_word, words

IJEKAVIAN = """
    rijek- rijetk- rijec- vrijem- vrijed- mlijek- lijep- lijek- lijev- dijete djeteta djec- snijeg- svijet-
    svjet- bijel- cvijet- cijen- tijel- vijest- vijec- vijek- uvijek dvije prije poslije mjest- mjesec-
    mjer- namjer- vjer- povjer- sjever- primjer- predsjedn- sjedn- sjedist- gdje nedjelj- ponedjelj-
    djel- odjel- pjesm- pjev- smjer- zvijezd- htje- vidjet- zivjet- razumjet- zeljezn- prijet- zaprijet-
    prijedl- prijevoz- prijelaz- prijenos- izvjes- ocjen- procjen- rjes- bjez- bjeg- cjel- pobjed-
    slijed- savjet- vjetr- bezbjedn- sjecanj- ozlijed- srijed- lijecn-
"""
EKAVIAN = """
    reka reke reku rekom rekama retk- vreme mleko mleka lep lepo lepa lepe lepog lepot- lek leka lekov-
    lekar- dete deteta deca dece deci decu sneg snega snegu svetsk- svetl- cena cene cenu cenom cenama
    telo tela telu vest vesti mesto mesta mestu mesec- uvek dve pre posle predsedn- sedn- sediste
    gde nedelj- ponedelj- delimicn- odeljen- pesm- pevac- pevaj- smer- zvezd- videti ziveti razumeti
    zeleznic- pretnj- zapret- predlo- prevoz- prelaz- prenos- izvest- ocen- procen- resen- resav- begun-
    celin- celok- pobed- sled- savet- vetar vetr- bezbedn- verovat- sever- primer- sreda srede sredu
"""
CROATIAN = """
    tisuc- tjedan tjedn- tjedna sijecanj- sijecnj- veljac- ozujak ozujk- travanj travnj- svibanj svibnj-
    lipanj lipnj- srpanj srpnj- rujan rujn- listopad- studenog studeni prosinac prosinc-
    sveucilist- izvjesc- glede tijekom zrakoplov- zracn- vlak vlaka vlakom vlakov- kruh- kazalist- obitelj-
    glazb- znanost- znanstven- povijest- povijesn- opcin- opcenit- veleposlan- tko tocn- tocka tocke
    tocku uvjet- ravnatelj- priopc- vanjsk- nogomet- otok- sudjel- surad- europ- izbornik- tvrtk-
    djelatn- zupanij- obran- historij- lahk- prosvjed- proracun-
"""
SERBIAN = """
    hiljad- univerzitet- tokom opstin- istorij- saopst- tacn- tacka tacke tacku evrop- vazdusn- voz vozom
    vozovi vozova hleb- pozorist- nauka nauke naucn- ko spoljn- fudbal- ostrv- ucestv- sarad- uslov-
    selektor- avgust- januar- februar- mart- april- septemb- oktob- novemb- decemb- jun juna junu jul jula julu
    izvestaj-
"""


PLACES = ("rijek", "bijelj", "bijelo")  # Rijeka, Bijeljina, Bijelo Polje: beginnings of folded words


def _markers(listing: str) -> tuple[frozenset[str], tuple[str, ...]]:
    entries = listing.split()
    return (frozenset(e for e in entries if not e.endswith("-")),
            tuple(e[:-1] for e in entries if e.endswith("-")))


_AUGUST = re.compile(r"\d\.?+\s*+kolovoz|kolovoz[a-z]*\s+\d{4}|(?:pocetkom|krajem|sredinom|tijekom|tokom)\s+kolovoz")
_TELLS = [(_markers(hr), _markers(sr)) for hr, sr in ((IJEKAVIAN, EKAVIAN), (CROATIAN, SERBIAN))]


def _count(folded: list[str], markers: tuple[frozenset[str], tuple[str, ...]]) -> int:
    exact, stems = markers
    return sum(1 for word in folded if word in exact or word.startswith(stems))


def leaning(text: str, seen: Words | None = None) -> bool:
    """Whether a Serbian Latin ``text`` leans Croatian or Bosnian (``seen``: its words, if read already)."""
    seen = seen or words(text)
    openers = [fold_word(word) for word in seen.openers]
    folded = [fold_word(word) for word in seen.lower] + [word for word in openers if not word.startswith(PLACES)]
    (ijekavian, ekavian), (croatian, serbian) = ((_count(folded, hr), _count(folded, sr)) for hr, sr in _TELLS)
    croatian += len(_AUGUST.findall(fold(text)))
    return ijekavian > ekavian or croatian > serbian
