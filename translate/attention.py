"""Word alignment from a decoder's attention: which source piece each target piece of a translation
looked at most (CTranslate2's ``return_attention``), as character spans in the source and the target
(``Link``). ``translate.tagplace`` puts inline codes back where these links say their words went.
"""

from __future__ import annotations

Link = tuple[int, int, int, int]  # a source token's span and the span of a target token attending to it most


def piece_spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Each SentencePiece piece's span in ``text`` (its surface found from where the last one
    ended; a piece that normalization changed gets an empty span)."""
    spans, at = [], 0
    for piece in pieces:
        surface = piece.replace("\u2581", " ").strip()
        found = text.find(surface, at) if surface else -1
        if found < 0 or text[at:found].strip():
            spans.append((at, at))
            continue
        spans.append((found, found + len(surface)))
        at = found + len(surface)
    return spans


def links_from_attention(source: str, source_pieces: list[str], target: str, target_pieces: list[str],
                         attention: list[list[float]], offset: int) -> list[Link] | None:
    """For each target piece, a link to the source piece it attends to most. ``attention[t][s]``:
    target piece t over the model's input, whose pieces start at ``offset`` (after a language
    token). None when the target pieces do not spell ``target`` (normalized by the detokenizer)."""
    if len(attention) < len(target_pieces):
        return None
    spelled = "".join(p.replace("\u2581", " ") for p in target_pieces)
    if " ".join(spelled.split()) != target:
        return None
    src_spans = piece_spans(source, source_pieces)
    tgt_spans = piece_spans(target, target_pieces)
    links: list[Link] = []
    for t, (tx, ty) in enumerate(tgt_spans):
        row = attention[t][offset:offset + len(source_pieces)]
        if tx == ty or not row:
            continue
        best = max(range(len(row)), key=row.__getitem__)
        sx, sy = src_spans[best]
        if sx < sy:
            links.append((sx, sy, tx, ty))
    return links
