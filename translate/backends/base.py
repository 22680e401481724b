"""What both Marian backends share: sentence handling around a model call.

``MarianEngine.translate`` drops duplicate sentences, cuts sentences longer than the model's input
limit at clause boundaries (never truncating), sorts by length into batches under a token budget,
and asks the backend's ``_generate`` for one batch of SentencePiece pieces at a time. A sentence
with inline tags (``translate.inline`` codes) is translated without them and the tags are put back
where the decoder's attention says their words went (``translate.tagplace``): the model never sees
a tag.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from common.settings import Settings
from translate import inline, tagplace
from translate.attention import links_from_attention
from translate.engine import Translation, make_batches
from translate.segment import split_long

EOS = "</s>"
_LANGUAGE_TOKEN = re.compile(r">>\w+<<")


@dataclass(frozen=True)
class Decoded:
    pieces: list[str]
    score: float | None
    hit_limit: bool
    attention: list[list[float]] | None = None  # per target piece, over the input pieces (when asked for)


class MarianEngine(ABC):
    """Base of the backends. Subclasses set ``self.settings`` and implement the three hooks."""

    settings: Settings
    target_token: str | None
    batch_tokens: int = 2048   # a batch's most padded tokens and sentences; backends set their own
    batch_size: int = 32
    replicas: int = 1          # batches the backend decodes at once (CTranslate2's inter_threads)

    # --- hooks ----------------------------------------------------------------------------------
    @abstractmethod
    def _pieces(self, sentence: str) -> list[str]:
        """Source SentencePiece pieces of one sentence (no language token, no EOS)."""

    @abstractmethod
    def _detokenize(self, pieces: list[str]) -> str:
        """Target pieces back to text."""

    @abstractmethod
    def _generate(self, batch: list[list[str]], max_length: int, attention: bool = False) -> list[Decoded]:
        """Decode a batch of source piece lists (each with its language token and EOS); with
        ``attention``, also the decoder's attention over the input (a backend may not give it)."""

    def _generate_all(self, batches: list[tuple[list[list[str]], int, bool]]) -> list[list[Decoded]]:
        """Decode several (batch, max_length, attention) triples; a backend that can run batches in
        parallel overrides this (CTranslate2: one per replica)."""
        return [self._generate(batch, max_length, attention) for batch, max_length, attention in batches]

    # --- the shared part --------------------------------------------------------------------------
    def count_tokens(self, sentence: str) -> int:
        return len(self._pieces(sentence)) + 1 + (self.target_token is not None)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        unique = list(dict.fromkeys(sentences))
        tagged = {s: tagplace.prepare(s) for s in unique if inline.has_codes(s)}
        inputs = [tagged[s].plain if s in tagged else s for s in unique]
        parts = [self._tokenized_parts(s) for s in inputs]
        aligned = [text if s in tagged and len(ps) == 1 else None
                   for s, text, ps in zip(unique, inputs, parts, strict=True) for _ in ps]
        decoded = self._translate_pieces([pieces for ps in parts for pieces in ps], aligned)
        results: dict[str, Translation] = {}
        at = 0
        for sentence, pieces in zip(unique, parts, strict=True):
            chunk = decoded[at:at + len(pieces)]
            at += len(pieces)
            if not chunk:
                results[sentence] = Translation(tagplace.restore(tagged[sentence], "") if sentence in tagged
                                                else "", 0.0)
                continue
            text = " ".join(t for t, _, _, _ in chunk if t)
            if sentence in tagged:
                text = tagplace.restore(tagged[sentence], text, chunk[0][3] if len(chunk) == 1 else None)
            scores = [s for _, s, _, _ in chunk if s is not None]
            results[sentence] = Translation(
                text, sum(scores) / len(scores) if scores else None,
                any(h for _, _, h, _ in chunk), len(pieces))
        return [results[s] for s in sentences]

    def _tokenized_parts(self, sentence: str) -> list[list[str]]:
        """The sentence's pieces; several lists when it is too long and cut at clauses."""
        if not sentence.strip():
            return []
        pieces = self._pieces(sentence)
        if len(pieces) + 1 + (self.target_token is not None) <= self.settings.max_input_tokens:
            return [pieces]
        cut = split_long(sentence, self.settings.max_input_tokens, self.count_tokens)
        return [self._pieces(part.strip()) for part in cut]

    def _translate_pieces(self, sentences: list[list[str]], aligned: list[str | None] | None = None,
                          ) -> list[tuple[str, float | None, bool, list | None]]:
        """Translate piece lists; for those whose ``aligned`` entry is their source text, also the
        links of each target piece to the source piece it attends to most (None if not given)."""
        aligned = aligned or [None] * len(sentences)
        prefix = [self.target_token] if self.target_token else []
        sources = [[*prefix, *pieces, EOS] for pieces in sentences]
        out: list[tuple[str, float | None, bool, list | None] | None] = [None] * len(sources)
        size = self.settings.batch_size or self.batch_size
        if self.replicas > 1:  # fewer sentences than the replicas could batch: spread them over all
            size = min(size, max(1, -(-len(sources) // self.replicas)))
        batches = make_batches([len(s) for s in sources], self.settings.batch_tokens or self.batch_tokens, size)
        work = []
        for batch in batches:
            longest = max(len(sources[i]) for i in batch)
            work.append(([sources[i] for i in batch],
                         int(longest * self.settings.max_decoding_ratio) + self.settings.max_decoding_extra,
                         any(aligned[i] is not None for i in batch)))
        for batch, results in zip(batches, self._generate_all(work), strict=True):
            for i, result in zip(batch, results, strict=True):
                pieces = [p for p in result.pieces if not _LANGUAGE_TOKEN.fullmatch(p)]
                text = " ".join(self._detokenize(pieces).replace("▁", " ").split())  # pieces the target spm lacks
                links = None
                if aligned[i] is not None and result.attention:
                    rows = [row for p, row in zip(result.pieces, result.attention, strict=False)
                            if not _LANGUAGE_TOKEN.fullmatch(p)]
                    links = links_from_attention(aligned[i], sentences[i], text, pieces, rows, len(prefix))
                out[i] = (text, result.score, result.hit_limit, links)
        return out  # type: ignore[return-value]
