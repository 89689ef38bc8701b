"""Fonts made once per theme, and text laid out once (QStaticText) so painting allocates nothing."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QStaticText

from ..theme import Theme


@dataclass
class Fonts:
    """The canvas fonts of one theme, with their metrics."""

    title: QFont
    small_caps: QFont
    small: QFont
    port: QFont
    mono: QFont
    label: QFont
    badge: QFont

    def metrics(self, font: QFont) -> QFontMetricsF:
        """Metrics of one of these fonts."""
        return QFontMetricsF(font)


_CACHE: dict[tuple, Fonts] = {}


def _font(family: str, px: float, weight: QFont.Weight = QFont.Normal) -> QFont:
    font = QFont(family)
    font.setPixelSize(max(6, round(px)))
    font.setWeight(weight)
    font.setHintingPreference(QFont.PreferNoHinting)  # text keeps its width at every zoom
    return font


def fonts_for(theme: Theme) -> Fonts:
    """The fonts of a theme (created on first use, then shared by every item)."""
    key = (theme.font_family, theme.mono_family, theme.title_px, theme.small_px, theme.port_px,
           theme.label_px, theme.scale)
    if key not in _CACHE:
        s = theme.scale
        small_caps = _font(theme.font_family, theme.small_px * s, QFont.DemiBold)
        small_caps.setCapitalization(QFont.SmallCaps)
        small_caps.setLetterSpacing(QFont.PercentageSpacing, 106)
        _CACHE[key] = Fonts(
            title=_font(theme.font_family, theme.title_px * s, QFont.DemiBold),
            small_caps=small_caps,
            small=_font(theme.font_family, theme.small_px * s, QFont.DemiBold),
            port=_font(theme.font_family, theme.port_px * s),
            mono=_font(theme.mono_family, theme.small_px * s),
            label=_font(theme.font_family, theme.label_px * s),
            badge=_font(theme.font_family, theme.small_px * s, QFont.Bold),
        )
    return _CACHE[key]


def static_text(text: str, font: QFont) -> QStaticText:
    """Plain text laid out once for a font."""
    st = QStaticText(text)
    st.setTextFormat(Qt.PlainText)
    st.setPerformanceHint(QStaticText.AggressiveCaching)
    st.prepare(font=font)
    return st


def elide(text: str, font: QFont, width: float) -> str:
    """Shorten text with … so it fits `width` pixels."""
    return QFontMetricsF(font).elidedText(text, Qt.ElideRight, width)
