"""The CTranslate2 backend (torch-free: ctranslate2 and sentencepiece); how it runs: ``tuning.plan``."""

from __future__ import annotations

from pathlib import Path

import ctranslate2
import sentencepiece as spm

from common.settings import Settings
from translate.backends.base import Decoded, MarianEngine
from translate.backends.tuning import Plan, plan


class Ct2Model:
    """One loaded CTranslate2 model with its tokenizers, shared by the engines of its directions;
    run as ``translate.backends.tuning.plan`` says (device, compute type, threads, batch sizes)."""

    def __init__(self, model_dir: Path, settings: Settings):
        self.plan: Plan = plan(settings)
        self.device, self.compute_type = self.plan.device, self.plan.compute_type
        self.translator = ctranslate2.Translator(
            str(model_dir), device=self.device, compute_type=self.compute_type,
            intra_threads=self.plan.intra_threads, inter_threads=self.plan.inter_threads)
        self.source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self.target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))


class Ct2Engine(MarianEngine):
    def __init__(self, model: Ct2Model, settings: Settings, target_token: str | None = None):
        self.model, self.settings, self.target_token = model, settings, target_token

    @property
    def batch_tokens(self) -> int:
        return self.model.plan.batch_tokens

    @property
    def batch_size(self) -> int:
        return self.model.plan.batch_size

    @property
    def replicas(self) -> int:
        return self.model.plan.inter_threads

    def _pieces(self, sentence: str) -> list[str]:
        return self.model.source.encode(sentence, out_type=str)

    def _detokenize(self, pieces: list[str]) -> str:
        return self.model.target.decode_pieces(pieces)

    def _generate(self, batch: list[list[str]], max_length: int, attention: bool = False) -> list[Decoded]:
        return self._generate_all([(batch, max_length, attention)])[0]

    def _generate_all(self, batches: list[tuple[list[list[str]], int, bool]]) -> list[list[Decoded]]:
        """Every batch handed to the translator at once (asynchronously), so that its
        ``inter_threads`` replicas decode that many batches in parallel; then the results, in order
        (with the attention of each target piece where the batch asks for it)."""
        s = self.settings
        pending = [(self.model.translator.translate_batch(
            batch, beam_size=s.beam_size, max_decoding_length=max_length, max_input_length=0,
            repetition_penalty=s.repetition_penalty, no_repeat_ngram_size=s.no_repeat_ngram_size,
            return_scores=True, return_attention=attention, asynchronous=True), max_length, attention)
            for batch, max_length, attention in batches]
        out = []
        for results, max_length, attention in pending:
            decoded = []
            for r in (a.result() for a in results):
                pieces = r.hypotheses[0]
                decoded.append(Decoded(pieces, r.scores[0] if r.scores else None, len(pieces) >= max_length,
                                       r.attention[0] if attention and r.attention else None))
            out.append(decoded)
        return out
