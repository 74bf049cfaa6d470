"""Server-rendered SVG diagrams for the admin: boxes, arrows, groups and a process chain.

Plain SVG text built here, no JavaScript library and no graphviz: a fixed layout given by the caller
(coordinates of each box) is drawn as labelled boxes and arrows. `render_diagram` is the generic drawer;
`process_chain_svg` draws one internal process version as a left-to-right chain of its steps.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import format_hours

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
LINE_HEIGHT = 17
NOTE_LINE_HEIGHT = 14

# Tone → (fill, stroke, text colour).
TONES = {
    "default": ("#eef4f9", "#417690", "#1f2d3d"),
    "start": ("#e6f4ea", "#2e7d32", "#1b3d1f"),
    "active": ("#fff4d6", "#b7791f", "#4a3510"),
    "wait": ("#fdeedd", "#c05621", "#4a2410"),
    "final": ("#f1f1f1", "#6b6b6b", "#2b2b2b"),
    "bad": ("#fde8e8", "#c53030", "#4a1010"),
    "current": ("#ffe08a", "#9a3412", "#3b1a06"),
    "other": ("#ede7f6", "#5e35b1", "#24123f"),
}


def text_width(text: str, size: float = 13) -> float:
    """A width estimate for a line of sans-serif text (no font metrics on the server)."""
    wide = sum(1 for ch in text if ch in "MWmw—ĐƯƠ")
    narrow = sum(1 for ch in text if ch in "iljtf.,:;'|!()[] ")
    return size * (0.58 * (len(text) - wide - narrow) + 0.9 * wide + 0.32 * narrow)


@dataclass
class Node:
    """A labelled box centred on (x, y). The first line is the title, drawn bold."""

    key: str
    lines: Sequence[str]
    x: float
    y: float
    w: float = 170
    h: float = 52
    tone: str = "default"
    notes: Sequence[str] = ()  # small lines beside the box (self-loop actions)
    notes_side: str = "above"
    title_lines: int = 1  # how many of the first lines are the (bold) title

    def __post_init__(self):
        # The title is bold: about a tenth wider than the estimate for regular text.
        needed = (
            max(
                (text_width(line, 15.4 if i < self.title_lines else 12) for i, line in enumerate(self.lines)),
                default=0,
            )
            + 24
        )
        self.w = max(self.w, needed)
        self.h = max(self.h, 14 + LINE_HEIGHT * len(self.lines))

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2

    @property
    def outer_box(self) -> tuple[float, float, float, float]:
        """The box with its notes, for groups drawn around it."""
        x0, y0, x1, y1 = self.box
        if self.notes:
            width = max(text_width(n, 11.5) for n in self.notes) + 24
            x0, x1 = min(x0, self.x - width / 2), max(x1, self.x + width / 2)
            extra = 14 + NOTE_LINE_HEIGHT * len(self.notes)
            if self.notes_side == "above":
                y0 -= extra
            else:
                y1 += extra
        return x0, y0, x1, y1


@dataclass
class Group:
    """A dashed frame around several boxes, so one arrow can stand for "from any of these"."""

    key: str
    members: Sequence[str]
    label: str = ""
    pad: float = 14
    box: tuple[float, float, float, float] = field(default=(0, 0, 0, 0), init=False)


@dataclass
class Edge:
    """An arrow from one box (or group) to another, with an optional label and bend."""

    source: str
    target: str
    label: Sequence[str] = ()
    bend: float | None = None  # perpendicular offset of the curve's middle; None = automatic
    via: Sequence[tuple[float, float]] = ()  # fixed corner points (drawn as a polyline)
    label_at: float | None = None  # share of the way along; None = the middle of the visible part
    dashed: bool = False


def _clip(box, cx, cy, tx, ty) -> tuple[float, float]:
    """Where the ray from the box centre (cx, cy) towards (tx, ty) leaves the box."""
    x0, y0, x1, y1 = box
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scales = []
    if dx:
        scales.append(((x1 if dx > 0 else x0) - cx) / dx)
    if dy:
        scales.append(((y1 if dy > 0 else y0) - cy) / dy)
    s = min(s for s in scales if s >= 0)
    return cx + dx * s, cy + dy * s


def _centre(box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _label_svg(lines: Sequence[str], x: float, y: float, size: float = 12) -> str:
    if not lines:
        return ""
    width = max(text_width(line, size) for line in lines) + 12
    height = len(lines) * (size + 3) + 6
    top = y - height / 2
    parts = [
        f'<rect x="{x - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" rx="4" '
        f'fill="#ffffff" fill-opacity="0.92" stroke="#d0d7de" stroke-width="0.8"/>'
    ]
    for i, line in enumerate(lines):
        ty = top + 3 + (i + 1) * (size + 3) - 3
        parts.append(
            f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="{size}" fill="#24292f">'
            f"{escape(line)}</text>"
        )
    return "".join(parts)


def render_diagram(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    groups: Sequence[Group] = (),
    *,
    title: str,
    width: float | None = None,
    height: float | None = None,
    css_id: str = "diagram",
) -> SafeString:
    """Draw boxes, dashed group frames and arrows as one inline <svg> element."""
    by_key: dict[str, tuple[float, float, float, float]] = {n.key: n.box for n in nodes}
    outer = {n.key: n.outer_box for n in nodes}
    # Groups: the frame around their members (and around inner groups already framed).
    for group in sorted(groups, key=lambda g: len(g.members)):
        boxes = [outer[m] for m in group.members if m in outer]
        inner = [
            g.box for g in groups if g is not group and g.box != (0, 0, 0, 0) and set(g.members) < set(group.members)
        ]
        boxes += inner
        if not boxes:
            continue
        x0 = min(b[0] for b in boxes) - group.pad
        y0 = min(b[1] for b in boxes) - group.pad - (16 if group.label else 0)
        x1 = max(b[2] for b in boxes) + group.pad
        y1 = max(b[3] for b in boxes) + group.pad
        group.box = (x0, y0, x1, y1)
        by_key[group.key] = group.box

    all_boxes = [n.outer_box for n in nodes] + [g.box for g in groups if g.key in by_key]
    min_x = min(b[0] for b in all_boxes) - 20
    min_y = min(b[1] for b in all_boxes) - 20
    max_x = max(b[2] for b in all_boxes) + 20
    max_y = max(b[3] for b in all_boxes) + 20
    if width:
        max_x = max(max_x, min_x + width)
    if height:
        max_y = max(max_y, min_y + height)

    pairs = {(e.source, e.target) for e in edges}
    marker = f"{css_id}-arrow"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(css_id)}" class="onestop-diagram" role="img" '
        f'viewBox="{min_x:.0f} {min_y:.0f} {max_x - min_x:.0f} {max_y - min_y:.0f}" '
        f'width="100%" style="max-width:{max_x - min_x:.0f}px;height:auto;font-family:{FONT}">',
        f"<title>{escape(title)}</title>",
        "<defs>"
        f'<marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker>'
        "</defs>",
    ]

    for group in groups:
        if group.key not in by_key:
            continue
        x0, y0, x1, y1 = group.box
        out.append(
            f'<rect class="group" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" rx="12" '
            'fill="none" stroke="#8a94a6" stroke-width="1.2" stroke-dasharray="6 4"/>'
        )
        if group.label:
            out.append(
                f'<text x="{x0 + 12:.1f}" y="{y0 + 16:.1f}" font-size="12" font-style="italic" fill="#5a6474">'
                f"{escape(group.label)}</text>"
            )

    labels = []
    for edge in edges:
        if edge.source not in by_key or edge.target not in by_key:
            continue
        # An arrow leaving a frame its target is not in has its label past the frame's border.
        frames = [g.box for g in groups if edge.source in g.members and edge.target not in g.members]
        path, label_xy = _edge_path(edge, by_key, pairs, frames)
        dash = ' stroke-dasharray="5 4"' if edge.dashed else ""
        out.append(
            f'<path class="edge" d="{path}" fill="none" stroke="#4a5568" stroke-width="1.6"{dash} '
            f'marker-end="url(#{marker})"/>'
        )
        labels.append(_label_svg(edge.label, *label_xy))

    for node in nodes:
        out.append(_node_svg(node))
    out.extend(labels)  # on top, so boxes never hide a label
    out.append("</svg>")
    return mark_safe("".join(out))


def _exit_share(start, end, box) -> float:
    """The share of the way from start (inside box) to end at which the segment leaves box."""
    x0, y0, x1, y1 = box
    dx, dy = end[0] - start[0], end[1] - start[1]
    shares = [1.0]
    if dx:
        shares.append(((x1 if dx > 0 else x0) - start[0]) / dx)
    if dy:
        shares.append(((y1 if dy > 0 else y0) - start[1]) / dy)
    return max(0.0, min(shares))


def _edge_path(edge: Edge, boxes, pairs, frames=()) -> tuple[str, tuple[float, float]]:
    sbox, tbox = boxes[edge.source], boxes[edge.target]
    sc, tc = _centre(sbox), _centre(tbox)
    if edge.via:
        points = list(edge.via)
        start = _clip(sbox, *sc, *points[0])
        end = _clip(tbox, *tc, *points[-1])
        chain = [start, *points, end]
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in chain)
        return d, _along(chain, 0.5 if edge.label_at is None else edge.label_at)
    bend = edge.bend
    if bend is None:
        bend = 26 if (edge.target, edge.source) in pairs else 0
    if not bend:
        start = _clip(sbox, *sc, *tc)
        end = _clip(tbox, *tc, *sc)
        t = edge.label_at
        if t is None:
            leave = max((_exit_share(start, end, f) for f in frames), default=0.0)
            t = (leave + 1) / 2
        return (
            f"M{start[0]:.1f},{start[1]:.1f} L{end[0]:.1f},{end[1]:.1f}",
            (start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t),
        )
    mx, my = (sc[0] + tc[0]) / 2, (sc[1] + tc[1]) / 2
    dx, dy = tc[0] - sc[0], tc[1] - sc[1]
    length = math.hypot(dx, dy) or 1
    # The bend goes to the right of the direction of travel, so the two arrows of a pair separate.
    cx, cy = mx - dy / length * bend * 2, my + dx / length * bend * 2
    start = _clip(sbox, *sc, cx, cy)
    end = _clip(tbox, *tc, cx, cy)
    t = 0.5 if edge.label_at is None else edge.label_at
    lx = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * cx + t**2 * end[0]
    ly = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * cy + t**2 * end[1]
    return f"M{start[0]:.1f},{start[1]:.1f} Q{cx:.1f},{cy:.1f} {end[0]:.1f},{end[1]:.1f}", (lx, ly)


def _along(points, t: float) -> tuple[float, float]:
    """The point a share t of the way along a polyline."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    goal = sum(lengths) * t
    for (a, b), seg in zip(zip(points, points[1:], strict=False), lengths, strict=False):
        if goal <= seg and seg:
            f = goal / seg
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        goal -= seg
    return points[-1]


def _node_svg(node: Node) -> str:
    fill, stroke, ink = TONES.get(node.tone, TONES["default"])
    x0, y0, x1, y1 = node.box
    width = 2.4 if node.tone == "current" else 1.4
    parts = [
        f'<g class="node" data-key="{escape(node.key)}">',
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{node.w:.1f}" height="{node.h:.1f}" rx="8" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>',
    ]
    first_y = node.y - (len(node.lines) - 1) * LINE_HEIGHT / 2 + 5
    for i, line in enumerate(node.lines):
        weight = ' font-weight="600"' if i < node.title_lines else ""
        size = 14 if i < node.title_lines else 12
        parts.append(
            f'<text x="{node.x:.1f}" y="{first_y + i * LINE_HEIGHT:.1f}" text-anchor="middle" font-size="{size}"'
            f'{weight} fill="{ink}">{escape(line)}</text>'
        )
    if node.notes:
        parts.append(_notes_svg(node))
    parts.append("</g>")
    return "".join(parts)


def _notes_svg(node: Node) -> str:
    """Actions that keep the state, drawn as a small loop arrow on the box with their names beside it."""
    x0, y0, x1, y1 = node.box
    lx = x1 - 26
    if node.notes_side == "above":
        loop = (
            f"M{lx - 12:.1f},{y0:.1f} C{lx - 14:.1f},{y0 - 16:.1f} {lx + 14:.1f},{y0 - 16:.1f} {lx + 12:.1f},{y0:.1f}"
        )
        first = y0 - 12 - NOTE_LINE_HEIGHT * (len(node.notes) - 1)
    else:
        loop = (
            f"M{lx - 12:.1f},{y1:.1f} C{lx - 14:.1f},{y1 + 16:.1f} {lx + 14:.1f},{y1 + 16:.1f} {lx + 12:.1f},{y1:.1f}"
        )
        first = y1 + 22
    parts = [f'<path d="{loop}" fill="none" stroke="#718096" stroke-width="1.2"/>']
    for i, line in enumerate(node.notes):
        parts.append(
            f'<text x="{node.x - 14:.1f}" y="{first + i * NOTE_LINE_HEIGHT:.1f}" text-anchor="middle" '
            f'font-size="11.5" fill="#4a5568">{escape(line)}</text>'
        )
    return "".join(parts)


# -- a process version as a chain of steps ---------------------------------------------------------
def process_chain_svg(version, *, per_row: int = 4) -> SafeString:
    """One internal process version as a left-to-right chain of its steps (name, role, hours, and the
    agency for inter-agency steps), wrapping to a new row after `per_row` steps."""
    steps = list(version.steps.select_related("agency").order_by("order"))
    if not steps:
        return render_diagram(
            [Node("empty", [_("Quy trình chưa có bước nào.")], 200, 40, tone="final")],
            [],
            title=str(version),
            css_id=f"process-{version.pk}",
        )
    nodes, edges = [], []
    for i, step in enumerate(steps):
        # Long names wrap inside a box of fixed width rather than widening it.
        title = textwrap.wrap(f"{step.order}. {step.name}", 24) or [str(step.order)]
        lines = [*title, *textwrap.wrap(step.get_role_display(), 34)]
        if step.unit:
            lines += textwrap.wrap(step.unit, 34)
        lines.append(_("%(h)s giờ làm việc") % {"h": format_hours(step.time_limit_hours)})
        if step.agency_id:
            agency = step.agency.short_name or step.agency.name
            lines += textwrap.wrap(_("Liên thông: %(a)s") % {"a": agency}, 34)
        nodes.append(
            Node(
                key=f"s{i}",
                lines=lines,
                x=0,
                y=0,
                w=220,
                h=90,
                title_lines=len(title),
                tone="other" if step.agency_id else "default",
            )
        )
    box_w = max(n.w for n in nodes)
    col_w = box_w + 50
    rows = [nodes[i : i + per_row] for i in range(0, len(nodes), per_row)]
    top = 20.0
    for row in rows:
        row_h = max(n.h for n in row)
        for col, node in enumerate(row):
            node.w = box_w
            node.x = 20 + box_w / 2 + col * col_w
            node.y = top + row_h / 2
        top += row_h + 60
    for i in range(1, len(nodes)):
        prev, node = nodes[i - 1], nodes[i]
        if prev.y == node.y:
            edges.append(Edge(prev.key, node.key))
        else:  # wrap: down from the row's last box, back left, into the next row's first box
            mid_y = (prev.box[3] + node.box[1]) / 2
            edges.append(Edge(prev.key, node.key, via=[(prev.x, mid_y), (node.x, mid_y)]))
    return render_diagram(
        nodes,
        edges,
        title=_("Quy trình %(v)s") % {"v": version},
        css_id=f"process-{version.pk}",
    )
