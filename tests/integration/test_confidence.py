"""Both backends report the length-normalised log-probability of what they output: the mean of
its tokens' log-probabilities (EOS included when the decoder finished), checked against a forced
decoding of exactly the pieces they produced."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from translate.backends.base import EOS

pytestmark = pytest.mark.integration
SENTENCES = ["The talks resumed in Brussels on Monday.", "Kosovo police said 4,500 people attended."]


def _decoded(engine, limit: int = 12):
    batch = [[*engine._pieces(s), EOS] for s in SENTENCES]
    return batch, engine._generate(batch, limit)


@pytest.mark.parametrize("beam", [1, 4])
def test_transformers_score_is_the_mean_token_log_probability(random_models, beam):
    import torch

    from translate.backends.hf import HfEngine, HfModel
    from translate.models import ModelStore

    settings = make_settings(random_models, beam_size=beam)
    model = HfModel(ModelStore(settings).hf_dir("en-tr"), settings)
    tok, net = model.tokenizer, model.model
    batch, decoded = _decoded(HfEngine(model, settings))
    for source, result in zip(batch, decoded, strict=True):
        target = tok.convert_tokens_to_ids(result.pieces) + ([] if result.hit_limit else [tok.eos_token_id])
        decoder = torch.tensor([[net.config.decoder_start_token_id, *target[:-1]]])
        with torch.no_grad():
            logits = net(input_ids=torch.tensor([tok.convert_tokens_to_ids(source)]),
                         decoder_input_ids=decoder).logits.log_softmax(-1)[0]
        forced = logits[range(len(target)), target].mean().item()
        assert result.score is not None and result.score < 0
        assert result.score == pytest.approx(forced, abs=1e-2)  # the pad token is masked out


def test_ctranslate2_score_is_the_mean_token_log_probability(random_models):
    from translate.backends.ct2 import Ct2Engine, Ct2Model
    from translate.models import ModelStore

    settings = make_settings(random_models, compute_type="float32")
    model = Ct2Model(ModelStore(settings).convert("en-tr", quantization="float32"), settings)
    batch, decoded = _decoded(Ct2Engine(model, settings))
    for source, result in zip(batch, decoded, strict=True):
        [scored] = model.translator.score_batch([source], [result.pieces])
        kept = scored.log_probs if not result.hit_limit else scored.log_probs[:-1]  # score_batch adds EOS
        assert result.score is not None and result.score < 0
        assert result.score == pytest.approx(sum(kept) / len(kept), abs=1e-2)
