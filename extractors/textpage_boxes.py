"""The boxes of a MuPDF TextPage's top-level text blocks, read straight from MuPDF's C structs.

The text reader needs every text block's box. The SWIG wrappers (`textpage.this.m_internal.first_block`,
`.bbox`, `.next`) make a Python proxy object for every struct and every field, ~10 µs a block (3% of
the raw-text floor on the real papers); reading the same structs through `ctypes` costs a sixth of that.

The layout below is MuPDF's `fz_stext_page` / `fz_stext_block` (mupdf/fitz/structured-text.h, 1.24 to
1.28 at least). A PyMuPDF build with another layout must not give wrong boxes silently, so the first
pages read are read both ways and compared (`_layout_checked`); on any difference, or when the low-level
structs are not reachable, `block_boxes` walks them through SWIG, or returns None (the caller then uses
the public `extractBLOCKS()`).
"""
from __future__ import annotations

import ctypes

import pymupdf

_TEXT_BLOCK = pymupdf.mupdf.FZ_STEXT_BLOCK_TEXT


class _Rect(ctypes.Structure):
    _fields_ = [("x0", ctypes.c_float), ("y0", ctypes.c_float), ("x1", ctypes.c_float), ("y1", ctypes.c_float)]


class _Block(ctypes.Structure):
    pass


# struct fz_stext_block { int type; int id; fz_rect bbox; union {...} u; fz_stext_block *prev, *next; }
# The union's largest member is { fz_matrix transform; fz_image *image; }: 6 floats and a pointer, 32 bytes.
_Block._fields_ = [("type", ctypes.c_int), ("id", ctypes.c_int), ("bbox", _Rect), ("u", ctypes.c_byte * 32),
                   ("prev", ctypes.POINTER(_Block)), ("next", ctypes.POINTER(_Block))]


class _Page(ctypes.Structure):
    # struct fz_stext_page { int refs; fz_pool *pool; fz_rect mediabox; fz_stext_block *first_block; ... }
    _fields_ = [("refs", ctypes.c_int), ("pool", ctypes.c_void_p), ("mediabox", _Rect),
                ("first_block", ctypes.POINTER(_Block))]


Box = tuple[float, float, float, float]

# Blocks compared both ways before the ctypes walk is trusted alone; None once a difference was seen.
_blocks_to_check: int | None = 50


def block_boxes(textpage: pymupdf.TextPage) -> list[Box] | None:
    """Boxes of the page's top-level text blocks, in MuPDF's order; None when the structs are not
    reachable (another PyMuPDF build)."""
    global _blocks_to_check
    if _blocks_to_check == 0:
        try:
            return _ctypes_boxes(textpage)
        except (AttributeError, TypeError, ValueError):
            return _swig_boxes(textpage)
    checked = _swig_boxes(textpage)
    if _blocks_to_check is None or checked is None:
        return checked
    try:
        fast = _ctypes_boxes(textpage)
    except (AttributeError, TypeError, ValueError):
        fast = None
    if fast != checked:
        _blocks_to_check = None  # another struct layout: never trust the ctypes walk in this process
    else:
        _blocks_to_check = max(0, _blocks_to_check - len(checked))
    return checked


def _ctypes_boxes(textpage: pymupdf.TextPage) -> list[Box]:
    page = _Page.from_address(textpage.this.m_internal_value())
    boxes = []
    pointer = page.first_block
    while pointer:
        block = pointer.contents
        if block.type == _TEXT_BLOCK:
            box = block.bbox
            boxes.append((box.x0, box.y0, box.x1, box.y1))
        pointer = block.next
    return boxes


def _swig_boxes(textpage: pymupdf.TextPage) -> list[Box] | None:
    try:
        boxes = []
        block = textpage.this.m_internal.first_block
        while block is not None:
            if block.type == _TEXT_BLOCK:
                box = block.bbox
                boxes.append((box.x0, box.y0, box.x1, box.y1))
            block = block.next
        return boxes
    except AttributeError:
        return None
