"""The embedded font of text appearances (signer blocks, copy marks), subset once per glyph set.

pyHanko's `GlyphAccumulator` subsets the TrueType font with fontTools and re-encodes it for
every document: about a third of preparing a two-phase (remote, token) signature. With
`retain_gids` (pyHanko's choice for TrueType fonts) the subset's font program depends only on
the set of glyph ids kept — widths, the ToUnicode map and the descriptor come from the full font
and stay per document — so the compressed font program is kept per (font file, glyph set).
The digits, the separators of a date and the space are always kept, so one signer's batch
(same name, same title, a new time on each document) makes one subset. Bounded."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from fontTools import subset
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
)

ALWAYS_KEPT = "0123456789:/-+,. ()"
_MAX_KEPT = 64
_PROGRAMS: dict[tuple[str, frozenset[int]], bytes] = {}
_FONT_BYTES: dict[str, bytes] = {}


class KeptSubsetAccumulator(GlyphAccumulator):
    """A `GlyphAccumulator` whose TrueType subset is made once per glyph set."""

    font_file = ""

    def _kept_gids(self) -> frozenset[int]:
        cmap = self.tt.getBestCmap() or {}
        names = [cmap[ord(c)] for c in ALWAYS_KEPT if ord(c) in cmap]
        return frozenset(self._glyphs) | {self.tt.getGlyphID(name) for name in names}

    def _extract_subset(self, options: Any = None) -> None:
        if not isinstance(self.cidfont_obj, CIDFontType2) or not self.use_raw_gids:
            super()._extract_subset(options)  # CFF fonts: pyHanko's way, every time
            return
        key = (self.font_file, self._kept_gids())
        kept = _PROGRAMS.get(key)
        if kept is None:
            options = subset.Options(layout_closure=False, retain_gids=True)
            options.drop_tables += ["GPOS", "GDEF", "GSUB"]
            subsetter = subset.Subsetter(options=options)
            subsetter.populate(gids=sorted(key[1]))
            subsetter.subset(self.tt)
            kept = _compressed_program(self.tt)
            if len(_PROGRAMS) >= _MAX_KEPT:
                _PROGRAMS.clear()
            _PROGRAMS[key] = kept
        cidfont = self.cidfont_obj

        def set_font_file(writer: Any) -> Any:
            stream = generic.StreamObject(
                {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
                encoded_data=kept,
            )
            ref = writer.add_object(stream)
            cidfont._font_descriptor[generic.pdf_name("/FontFile2")] = ref
            return ref

        cidfont.set_font_file = set_font_file  # type: ignore[method-assign]


def _compressed_program(tt: Any) -> bytes:
    buffer = BytesIO()
    tt.save(buffer)
    stream = generic.StreamObject(stream_data=buffer.getvalue())
    stream.compress()
    return bytes(stream.encoded_data)


class KeptSubsetFactory(GlyphAccumulatorFactory):
    """`GlyphAccumulatorFactory` making `KeptSubsetAccumulator`s; the font file read once."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        data = _FONT_BYTES.get(self.font_file)
        if data is None:
            with open(self.font_file, "rb") as handle:
                data = _FONT_BYTES[self.font_file] = handle.read()
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        engine = KeptSubsetAccumulator(
            writer=writer,
            font_handle=BytesIO(data),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
        engine.font_file = self.font_file
        return engine
