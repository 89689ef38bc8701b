"""Colours, fonts, sizes and z-values of the canvas, in one place: light, dark and projector themes."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

CATEGORY_ORDER = ("Sources", "Arithmetic", "Activations", "Losses", "Text")


@dataclass(frozen=True)
class ZValues:
    """Stacking order of the canvas layers (higher is drawn on top)."""

    region: float = -10.0
    edge: float = 0.0
    node: float = 10.0
    edge_label: float = 15.0
    selected_node: float = 20.0
    wire: float = 30.0


@dataclass(frozen=True)
class Theme:
    """Everything the canvas needs to know to draw: colours as '#rrggbb' text, sizes in pixels."""

    name: str
    background: str
    grid: str
    grid_major: str
    node_fill: str
    node_border: str
    node_text: str
    node_subtext: str
    param_fill: str
    param_border: str
    source_fill: str
    category_colors: dict[str, str] = field(default_factory=dict)
    port: str = "#7a8594"
    port_valid: str = "#2ca02c"
    port_invalid: str = "#c7ccd3"
    edge: str = "#8a94a3"
    edge_selected: str = "#1f77b4"
    selection: str = "#1f77b4"
    error: str = "#d62728"
    forward: str = "#1b8a9a"
    backward: str = "#e4572e"
    ok: str = "#2ca02c"
    info: str = "#3b6fb6"
    winner: str = "#d4a017"
    label_fill: str = "#ffffff"
    label_text: str = "#1f2630"
    region_palette: tuple[str, ...] = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2")
    region_alpha: int = 34
    font_family: str = "DejaVu Sans"
    mono_family: str = "DejaVu Sans Mono"
    title_px: int = 15
    small_px: int = 11
    port_px: int = 12
    label_px: int = 12
    line_width: float = 1.2
    edge_width: float = 1.8
    scale: float = 1.0
    z: ZValues = field(default_factory=ZValues)

    def category_color(self, category: str) -> str:
        """Accent colour of an op category (grey for an unknown one)."""
        return self.category_colors.get(category, self.node_subtext)

    def region_color(self, index: int) -> str:
        """The index-th colour of the region palette, cycling."""
        return self.region_palette[index % len(self.region_palette)]


_LIGHT_CATEGORIES = {
    "Sources": "#4c78a8", "Arithmetic": "#7f7f7f", "Activations": "#54a24b",
    "Losses": "#e45756", "Text": "#b279a2",
}
_DARK_CATEGORIES = {
    "Sources": "#6fa0d8", "Arithmetic": "#a4acb8", "Activations": "#78c46f",
    "Losses": "#f07b74", "Text": "#cc99c4",
}

LIGHT = Theme(
    name="light", background="#f7f8fa", grid="#eceef2", grid_major="#dfe2e8",
    node_fill="#ffffff", node_border="#c3c9d2", node_text="#1f2630", node_subtext="#7b8494",
    param_fill="#fff6e6", param_border="#e0b35c", source_fill="#f1f6fc",
    category_colors=dict(_LIGHT_CATEGORIES),
)

DARK = Theme(
    name="dark", background="#1e2127", grid="#262a31", grid_major="#2e333b",
    node_fill="#2b3038", node_border="#454c57", node_text="#e6e9ef", node_subtext="#98a1b0",
    param_fill="#3a3326", param_border="#c29a4a", source_fill="#27303c",
    category_colors=dict(_DARK_CATEGORIES),
    port="#8d97a6", port_valid="#5fd35f", port_invalid="#3b414a", edge="#7d8796",
    edge_selected="#5aa9e6", selection="#5aa9e6", error="#ff5c5c", forward="#38c0d0",
    backward="#ff8a5c", ok="#5fd35f", info="#6f9fe0", winner="#f0c040",
    label_fill="#2f343d", label_text="#e6e9ef", region_alpha=40,
    region_palette=("#6fa0d8", "#f5a04b", "#78c46f", "#cc99c4", "#f07b74", "#8fd0cb"),
)

# High contrast and large: white ground, black text, thick lines, everything 1.6× for a lecture hall.
PROJECTOR = replace(
    LIGHT, name="projector", background="#ffffff", grid="#f1f1f1", grid_major="#e4e4e4",
    node_border="#3c3c3c", node_text="#000000", node_subtext="#404040", param_border="#b07800",
    param_fill="#fff1d6", source_fill="#eaf2fc", edge="#505050", port="#303030",
    category_colors={"Sources": "#1f5fa8", "Arithmetic": "#505050", "Activations": "#1f8a2a",
                     "Losses": "#c0262b", "Text": "#8a3f8a"},
    forward="#00798a", backward="#d0401a", region_alpha=40,
    title_px=16, small_px=13, port_px=13, label_px=13, line_width=2.0, edge_width=2.6, scale=1.6,
)

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK, "projector": PROJECTOR}


def get_theme(name: str) -> Theme:
    """The theme called `name` (light, dark or projector); ValueError names the choices."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme '{name}' (choose one of {', '.join(THEMES)})") from None
