"""PDFs with one defect each, built with PyMuPDF (no real papers), and the outcome each must get."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pymupdf

from fault_helpers import text_pdf

GOOD_LINES = [
    "3 Experiments",
    "We trained the model on 8 NVIDIA V100 GPUs for 3 days.",
    "Our model reaches 76.3% top-1 accuracy on ImageNet.",
]


def good_pdf(pages: int = 2) -> bytes:
    return text_pdf(GOOD_LINES, pages=pages)


def truncated_pdf() -> bytes:
    data = good_pdf(pages=6)
    return data[: len(data) // 3]


def html_saved_as_pdf() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>\n"


def encrypted_pdf() -> bytes:
    doc = pymupdf.open(stream=good_pdf(), filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    doc.close()
    return data


def malformed_xref_pdf() -> bytes:
    """Every xref offset and the startxref pointer wrong: MuPDF must rebuild the table by scanning."""
    doc = pymupdf.open(stream=good_pdf(), filetype="pdf")
    data = doc.tobytes(deflate=False, garbage=0, use_objstms=0)
    doc.close()
    data = re.sub(rb"\d{10} (\d{5}) n", lambda m: b"9999999999 " + m.group(1) + b" n", data)
    return re.sub(rb"startxref\s+\d+", b"startxref\n123456789", data)


def garbage_after_header() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 64


def many_pages_pdf(pages: int) -> bytes:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page(width=200, height=200)
    data = doc.tobytes(garbage=1, deflate=True)
    doc.close()
    return data


@dataclass(frozen=True)
class Case:
    name: str  # file name; the sandbox's test hook keys on "HANG" and "CRASH" in it
    data: bytes
    kind: str | None  # the ExtractionError kind, None when the file must be extracted
    reason: str  # a fragment of the human-readable reason


def cases(max_pages: int, max_bytes: int) -> list[Case]:
    """Every bad-PDF case, interleaved with good papers so a fault's neighbours are checked too."""
    too_big = good_pdf() + b"%" + b"x" * max_bytes + b"\n"
    return [
        Case("good-1.pdf", good_pdf(), None, ""),
        Case("empty.pdf", b"", "empty", "empty file"),
        Case("truncated.pdf", truncated_pdf(), "truncated", "damaged or truncated"),
        Case("error-page.pdf", html_saved_as_pdf(), "not_pdf", "not a PDF"),
        Case("good-2.pdf", good_pdf(), None, ""),
        Case("encrypted.pdf", encrypted_pdf(), "encrypted", "needs a password"),
        Case("bad-xref.pdf", malformed_xref_pdf(), None, ""),  # repaired by MuPDF, then read
        Case("garbage.pdf", garbage_after_header(), "truncated", "damaged or truncated"),
        Case("huge.pdf", too_big, "too_large", f"over the {max_bytes:,}-byte limit"),
        Case("thousands-of-pages.pdf", many_pages_pdf(3000), "too_many_pages", f"more than the limit of {max_pages}"),
        Case("HANG-parser.pdf", good_pdf(), "timeout", "took longer than"),
        Case("good-3.pdf", good_pdf(), None, ""),
        Case("CRASH-parser.pdf", good_pdf(), "crashed", "crashed"),
        Case("good-4.pdf", good_pdf(), None, ""),
    ]


def glyph_bomb_pdf(glyphs: int, per_show: int = 10_000) -> bytes:
    """A one-page PDF whose content stream shows `glyphs` characters (runs of one letter, so it deflates
    to a few KB): cheap to store, costly to extract, like the 4.7 MB file that drew 1.3 billion."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "x", fontname="helv", fontsize=1)  # a font resource named /helv
    run = b"(" + b"A" * per_show + b") Tj\n"
    doc.update_stream(page.get_contents()[0], b"BT /helv 1 Tf 72 720 Td\n" + run * (glyphs // per_show) + b"ET\n",
                      compress=True)
    data = doc.tobytes(deflate=True)
    doc.close()
    return data
