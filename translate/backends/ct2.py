"""The CTranslate2 backend: int8 on CPU, float16 on CUDA; needs only ctranslate2 and sentencepiece."""

from __future__ import annotations

import os
from pathlib import Path

import ctranslate2
import sentencepiece as spm

from common.settings import Settings
from translate.backends.base import Decoded, MarianEngine


def pick_device(setting: str) -> str:
    if setting != "auto":
        return setting
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def pick_compute_type(setting: str, device: str) -> str:
    if setting != "auto":
        return setting
    return "float16" if device == "cuda" else "int8"


class Ct2Model:
    """One loaded CTranslate2 model with its tokenizers, shared by the engines of its directions."""

    def __init__(self, model_dir: Path, settings: Settings):
        self.device = pick_device(settings.device)
        self.compute_type = pick_compute_type(settings.compute_type, self.device)
        threads = settings.threads or (os.cpu_count() or 1)
        self.translator = ctranslate2.Translator(
            str(model_dir), device=self.device, compute_type=self.compute_type,
            intra_threads=threads if self.device == "cpu" else 0, inter_threads=1)
        self.source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self.target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))


class Ct2Engine(MarianEngine):
    def __init__(self, model: Ct2Model, settings: Settings, target_token: str | None = None):
        self.model, self.settings, self.target_token = model, settings, target_token

    def _pieces(self, sentence: str) -> list[str]:
        return self.model.source.encode(sentence, out_type=str)

    def _detokenize(self, pieces: list[str]) -> str:
        return self.model.target.decode_pieces(pieces)

    def _generate(self, batch: list[list[str]], max_length: int, attention: bool = False) -> list[Decoded]:
        s = self.settings
        results = self.model.translator.translate_batch(
            batch, beam_size=s.beam_size, max_decoding_length=max_length, max_input_length=0,
            repetition_penalty=s.repetition_penalty, no_repeat_ngram_size=s.no_repeat_ngram_size,
            return_scores=True, return_attention=attention)
        out = []
        for r in results:
            pieces = r.hypotheses[0]
            out.append(Decoded(pieces, r.scores[0] if r.scores else None, len(pieces) >= max_length,
                               r.attention[0] if attention and r.attention else None))
        return out
