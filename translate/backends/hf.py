"""The transformers backend (reference implementation; needs the ``torch`` extra)."""

from __future__ import annotations

from pathlib import Path

from common.settings import Settings
from translate.backends.base import Decoded, MarianEngine


class HfModel:
    """One loaded MarianMTModel and its MarianTokenizer, shared by its directions' engines."""

    def __init__(self, model_dir: Path, settings: Settings):
        try:
            import torch
            from transformers import MarianMTModel, MarianTokenizer
        except ImportError as exc:
            raise RuntimeError("the transformers engine needs torch and transformers: "
                               "pip install torch==2.13.0 'dragoman[torch]' (or use --engine ct2)") from exc
        from translate.models import quiet_transformers

        quiet_transformers()
        self.torch = torch
        want_cuda = settings.device == "cuda" or (settings.device == "auto" and torch.cuda.is_available())
        self.device = "cuda" if want_cuda else "cpu"
        if settings.threads and self.device == "cpu":
            torch.set_num_threads(settings.threads)
        self.tokenizer = MarianTokenizer.from_pretrained(str(model_dir))
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        self.model = MarianMTModel.from_pretrained(str(model_dir), dtype=dtype).to(self.device).eval()
        self.pad_id = self.model.config.pad_token_id


class HfEngine(MarianEngine):
    def __init__(self, model: HfModel, settings: Settings, target_token: str | None = None):
        self.model, self.settings, self.target_token = model, settings, target_token

    def _pieces(self, sentence: str) -> list[str]:
        return self.model.tokenizer.tokenize(sentence)

    def _detokenize(self, pieces: list[str]) -> str:
        return self.model.tokenizer.convert_tokens_to_string(pieces)

    def _generate(self, batch: list[list[str]], max_length: int, attention: bool = False) -> list[Decoded]:
        """(No attention: generate's cross-attentions cost a copy per step and beam; tags are placed
        without it, see ``translate.tagplace``.)"""
        tok, torch, s = self.model.tokenizer, self.model.torch, self.settings
        ids = [tok.convert_tokens_to_ids(pieces) for pieces in batch]
        width = max(map(len, ids))
        input_ids = torch.tensor([row + [self.model.pad_id] * (width - len(row)) for row in ids],
                                 device=self.model.device)
        mask = (input_ids != self.model.pad_id).long()
        with torch.inference_mode():
            out = self.model.model.generate(
                input_ids=input_ids, attention_mask=mask, num_beams=s.beam_size, max_new_tokens=max_length,
                max_length=None, repetition_penalty=s.repetition_penalty,
                no_repeat_ngram_size=s.no_repeat_ngram_size, output_scores=True,
                return_dict_in_generate=True, early_stopping=True,
                forced_eos_token_id=None)  # as CTranslate2: a sentence cut at the limit is seen as cut
        steps = _token_scores(self.model.model, out, s.beam_size)
        decoded = []
        for i, row in enumerate(out.sequences.tolist()):
            body = row[1:]  # drop the decoder start token
            finished = tok.eos_token_id in body
            length = body.index(tok.eos_token_id) + 1 if finished else len(body)  # EOS counted, as CTranslate2
            body = [t for t in body[:length - finished] if t != self.model.pad_id]
            mean = sum(steps[i][:length]) / length if length else None
            decoded.append(Decoded(tok.convert_ids_to_tokens(body), mean,
                                   not finished and len(body) >= max_length))
        return decoded


def _token_scores(model, out, beams: int) -> list[list[float]]:
    """The log-probability of each generated token (EOS included), per returned sequence: the
    length-normalised sequence score is their mean, as CTranslate2 returns it (length_penalty=1)."""
    scores = model.compute_transition_scores(out.sequences, out.scores, getattr(out, "beam_indices", None),
                                             normalize_logits=beams == 1)
    return scores.float().tolist()
