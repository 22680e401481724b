"""Bar charts drawn on the server as inline SVG (no script, no CDN): each bar labelled with its
value, every label escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, BAR, GAP, LABEL, VALUE = 640, 22, 8, 230, 70
COLOURS = {"low": "#1e7b4a", "medium": "#b54708", "high": "#b42318"}


def bars(title: str, items: list[tuple[str, float | None]], fmt: str = "{:.2f}", colour: str = "#1f5fbf",
         colours: dict[str, str] | None = None) -> Markup:
    """A horizontal bar chart of ``items`` (label, value; None is drawn as "–"), scaled to the largest."""
    top = max((v for _, v in items if v is not None), default=0.0) or 1.0
    height = 30 + len(items) * (BAR + GAP)
    span = WIDTH - LABEL - VALUE
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
             f'<text x="0" y="16" class="chart-title" font-weight="600" font-size="14">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 28 + i * (BAR + GAP)
        fill = (colours or {}).get(label, colour)
        width = 0 if value is None else max(1, round(span * value / top))
        shown = "–" if value is None else fmt.format(value)
        line = f"{y + BAR * 0.7:.1f}"
        parts += [f'<text x="{LABEL - 8}" y="{line}" text-anchor="end" font-size="12">{escape(label)}</text>',
                  f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" fill="{fill}" rx="3"></rect>',
                  f'<text x="{LABEL + width + 6}" y="{line}" font-size="12">{escape(shown)}</text>']
    if not items:
        parts.append('<text x="0" y="44" font-size="12" fill="#667085">no reviewed segments yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
