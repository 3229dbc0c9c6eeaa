"""Charts for the supervisor's reports, drawn on the server as inline SVG (no scripts, no CDN)."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_COLOUR = "#8a1c1c"
GRID_COLOUR = "#e3e3e0"


def bar_chart(bars: list[tuple[str, float | None]], title: str, maximum: float | None = None,
              value_format: str = "{:g}", width: int = 640, height: int = 220) -> Markup:
    """A vertical bar chart; a bar whose value is None is drawn as a gap labelled "–".

    Labels and the title are escaped; the result is safe to place in a template as is."""
    values = [v for _, v in bars if v is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    left, bottom, head = 36, 34, 30
    plot_w, plot_h = width - left - 8, height - bottom - head
    step = plot_w / max(len(bars), 1)
    bar_w = max(min(step * 0.7, 48), 2)
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
             f'<text class="chart-title" x="{left}" y="16">{escape(title)}</text>']
    for fraction in (0, 0.5, 1):
        y = head + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(value_format.format(top * fraction))}</text>')
    label_every = max(1, round(len(bars) / 16))  # a month of days still leaves labels legible
    for index, (label, value) in enumerate(bars):
        x = left + step * index + (step - bar_w) / 2
        centre = x + bar_w / 2
        if value is not None:
            bar_h = plot_h * min(max(value / top, 0), 1)
            parts.append(f'<rect x="{x:.1f}" y="{head + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                         f'height="{bar_h:.1f}" fill="{BAR_COLOUR}"><title>{escape(label)}: '
                         f'{escape(value_format.format(value))}</title></rect>')
            if len(bars) <= 16:
                parts.append(f'<text x="{centre:.1f}" y="{head + plot_h - bar_h - 3:.1f}" text-anchor="middle">'
                             f'{escape(value_format.format(value))}</text>')
        else:
            parts.append(f'<text x="{centre:.1f}" y="{head + plot_h - 3:.1f}" text-anchor="middle">–</text>')
        if index % label_every == 0:
            parts.append(f'<text x="{centre:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
