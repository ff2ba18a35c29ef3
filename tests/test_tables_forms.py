"""Result tables in the layouts real papers use, drawn by the test with PyMuPDF and read end to end
(text reader -> table regions -> result candidates), one PDF per form, with negatives.

All wording here is the test's own: a made-up model ("Zephyr"/"Quillnet"/"Torrent") in made-up prose.
"""
from __future__ import annotations

import pymupdf
import pytest

from extractors.results import extract_results
from extractors.tables import result_table_pages
from extractors.text import read_document

FILLER = ("The optimisation settings follow common practice and every run uses the same schedule so that "
          "the comparison below is fair to each of the variants that are considered here in this study. ")


def _prose(page: pymupdf.Page, x: float, y: float, chars: int, lines: int, text: str = FILLER) -> float:
    words = (text + " ") * (lines * chars // max(len(text), 1) + 2)
    for i in range(lines):
        page.insert_text((x, y), words[i * chars:(i + 1) * chars], fontsize=9)
        y += 11
    return y


def _row(page: pymupdf.Page, y: float, cells: list[tuple[float, str]], bold: set[int] = frozenset(),
         size: float = 8.5) -> None:
    for k, (x, text) in enumerate(cells):
        page.insert_text((x, y), text, fontsize=size, fontname="hebo" if k in bold else "helv")


def _table(page: pymupdf.Page, y: float, header_rows: list[list[tuple[float, str]]],
           rows: list[tuple[str, list[str]]], xs: list[float], *, x_label: float = 60, x_end: float = 560,
           bold: dict[int, set[int]] | None = None) -> float:
    page.draw_line((x_label - 8, y - 10), (x_end, y - 10))
    for header in header_rows:
        _row(page, y, header)
        y += 12
    page.draw_line((x_label - 8, y - 8), (x_end, y - 8))
    for i, (label, cells) in enumerate(rows):
        _row(page, y, [(x_label, label)] + list(zip(xs, cells)), bold=(bold or {}).get(i, set()))
        y += 12
    page.draw_line((x_label - 8, y - 8), (x_end, y - 8))
    return y


def _title_page(pdf: pymupdf.Document, title: str, abstract: str) -> pymupdf.Page:
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), title, fontsize=15)
    page.insert_text((60, 100), "Abstract", fontsize=11)
    _prose(page, 60, 118, 105, 3, abstract)
    return page


def _read(pdf: pymupdf.Document):
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    return doc, extract_results(doc, None)


def _headlines(cands) -> dict[tuple[str, str], float]:
    return {(c.attrs["dataset"], c.attrs["metric"]): c.attrs["value"]
            for c in cands if c.is_best and c.confidence >= 0.5}


def _table_cands(cands):
    return [c for c in cands if c.features.get("source") == "table"]


# ------------------------------------------------------------------ column pairs, crops, slash cells

def _crops_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Quillnet: Residual Stacks for Visual Recognition",
                       "We present Quillnet, a deep residual stack, and evaluate Quillnet on the ImageNet "
                       "classification benchmark where it lowers the error of strong baselines.")
    y = _prose(page, 60, 170, 105, 6)
    page.insert_text((60, y + 14), "Table 1: Error rates (%) on the ImageNet validation set; single-crop and "
                                   "10-crop testing.", fontsize=8)
    y += 40
    _table(page, y, [[(300, "single-crop"), (430, "10-crop")],
                     [(280, "top-1 err."), (335, "top-5 err."), (410, "top-1 err."), (465, "top-5 err.")]],
           [("VGG-16 [31]", ["28.07", "9.33", "26.6", "8.6"]),
            ("PReLU-net [12]", ["24.27", "7.38", "-", "-"]),
            ("Quillnet-50", ["22.85", "6.71", "21.1", "5.9"]),
            ("Quillnet-101", ["21.75", "6.05", "20.4", "5.3"])],
           [285, 340, 415, 470])
    return pdf


def test_column_pairs_under_crop_headers_give_the_own_rows_best():
    doc, cands = _read(_crops_pdf())
    assert _headlines(cands) == {("ImageNet", "top-1 error"): 20.4, ("ImageNet", "top-5 error"): 5.3}
    # The baselines are read, but never as the paper's own rows.
    vgg = [c for c in _table_cands(cands) if c.attrs["value"] == 28.07]
    assert vgg and vgg[0].features["cited"] and not vgg[0].features["own_name"]


def _slash_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Quillnet: Residual Stacks for Visual Recognition",
                       "We present Quillnet and report its error on the ImageNet benchmark.")
    y = _prose(page, 60, 170, 105, 4)
    page.insert_text((60, y + 14), "Table 2: ImageNet validation error (%), single-crop / 10-crop.", fontsize=8)
    y += 40
    _table(page, y, [[(330, "top-1 err."), (450, "top-5 err.")]],
           [("ResNeXt [40]", ["24.01 / 22.8", "7.07 / 6.3"]),
            ("Quillnet-101", ["21.75 / 20.40", "6.05 / 5.30"])],
           [320, 440])
    return pdf


def test_slash_cells_are_two_readings_of_one_metric():
    _doc, cands = _read(_slash_pdf())
    assert _headlines(cands) == {("ImageNet", "top-1 error"): 20.4, ("ImageNet", "top-5 error"): 5.3}


# ------------------------------------------------------------------ spanning headers

def _spanning_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Torrent: Attention Everywhere for Translation",
                       "We introduce Torrent, a sequence model, and test it for WMT 2014 "
                       "translation from English into German and into French.")
    y = _prose(page, 60, 170, 105, 4)
    page.insert_text((60, y + 14), "Table 2: BLEU scores of Torrent and earlier systems on newstest2014.",
                     fontsize=8)
    y += 40
    _table(page, y, [[(330, "EN-DE"), (450, "EN-FR")]],
           [("ByteNet [15]", ["23.75", "-"]),
            ("ConvS2S [9]", ["25.16", "40.46"]),
            ("Torrent (base)", ["27.3", "38.1"]),
            ("Torrent (big)", ["28.4", "41.8"])],
           [330, 450])
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 70), "Table 5: Classification accuracy (%) of the visual variant.", fontsize=8)
    _table(page, 100, [[(330, "ImageNet")], [(300, "top-1"), (370, "top-5")]],
           [("ViT-B [7]", ["77.9", "93.6"]), ("Torrent-V", ["79.5", "94.7"])], [300, 370])
    return pdf


def test_spanning_dataset_headers_name_each_column_below():
    _doc, cands = _read(_spanning_pdf())
    assert _headlines(cands) == {("WMT14 EN-DE", "BLEU"): 28.4, ("WMT14 EN-FR", "BLEU"): 41.8,
                                 ("ImageNet", "top-1 accuracy"): 79.5, ("ImageNet", "top-5 accuracy"): 94.7}
    big = next(c for c in _table_cands(cands) if c.attrs["value"] == 28.4)
    assert big.features["own_name"] and big.features["dataset_from"] == "header"


# ------------------------------------------------------------------ dataset named only in the text before

def _dataset_in_text_pdf(section_text: str) -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Zephyr: Light Readers for Question Answering",
                       "We present Zephyr, a light reader for extractive question answering.")
    page.insert_text((60, 170), "4 Experiments", fontsize=11)
    y = _prose(page, 60, 190, 105, 2, section_text)
    page.insert_text((60, y + 14), "Table 3: Comparison with published systems.", fontsize=8)
    y += 40
    _table(page, y, [[(330, "EM"), (420, "F1")]],
           [("Match-LSTM (Wang and Jiang, 2016)", ["64.7", "73.7"]),
            ("Zephyr", ["81.0", "88.1"])],
           [330, 420])
    return pdf


def test_dataset_named_in_the_text_before_the_table():
    text = "We evaluate Zephyr on the SQuAD 1.1 reading comprehension benchmark; Table 3 lists the scores."
    _doc, cands = _read(_dataset_in_text_pdf(text))
    assert _headlines(cands) == {("SQuAD 1.1", "EM"): 81.0, ("SQuAD 1.1", "F1"): 88.1}
    assert next(c for c in _table_cands(cands) if c.attrs["value"] == 81.0).features["dataset_from"] in (
        "text", "paper")


def test_a_table_naming_no_dataset_in_a_paper_naming_none_gives_nothing():
    text = "We evaluate Zephyr on a reading comprehension benchmark of our own; Table 3 lists the scores."
    _doc, cands = _read(_dataset_in_text_pdf(text))
    assert [c for c in cands if c.confidence >= 0.5] == []


# ------------------------------------------------------------------ own rows named by the model, sizes, bold

def _sizes_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Zephyr: Scaling Light Readers for Image Recognition",
                       "We present Zephyr in three sizes and evaluate each size on ImageNet.")
    y = _prose(page, 60, 170, 105, 4)
    page.insert_text((60, y + 14), "Table 2: Top-1 accuracy (%) on ImageNet. Best in bold.", fontsize=8)
    y += 40
    _table(page, y, [[(330, "Params"), (420, "Top-1 acc.")]],
           [("DeiT-S (Touvron et al., 2021)", ["22M", "79.8"]),
            ("Swin-B (Liu et al., 2021)", ["88M", "83.5"]),
            ("Zephyr-S", ["21M", "81.2"]),
            ("Zephyr-B", ["86M", "83.9"]),
            ("Zephyr-L", ["197M", "85.1"])],
           [330, 420], bold={4: {2}})
    return pdf


def test_size_rows_named_by_the_model_each_a_candidate_the_largest_the_headline():
    _doc, cands = _read(_sizes_pdf())
    assert _headlines(cands) == {("ImageNet", "top-1 accuracy"): 85.1}
    own = {c.attrs["value"]: c for c in _table_cands(cands) if c.features["own_name"]}
    assert set(own) == {81.2, 83.9, 85.1}
    assert all(c.confidence >= 0.5 for c in own.values())
    assert own[85.1].features["bold"] and not own[83.9].features["bold"]
    assert own[85.1].features["rank_in_column"] == 1
    assert own[81.2].features["size_variant"] == "S"


# ------------------------------------------------------------------ COCO: box and mask side by side

def _coco_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Torrent: Region Features for Detection",
                       "We introduce Torrent for COCO detection and instance segmentation.")
    y = _prose(page, 60, 170, 105, 3)
    page.insert_text((60, y + 14), "Table 4: COCO test-dev detection and instance segmentation.",
                     fontsize=8)
    y += 40
    xs = [200, 235, 270, 305, 340, 375, 420, 455, 490, 525]
    heads = ["AP", "AP50", "AP75", "APS", "APM", "APL"]
    _table(page, y, [[(255, "box"), (470, "mask")],
                     [(x, h) for x, h in zip(xs[:6], heads)] + [(x, h) for x, h in zip(xs[6:], heads[:4])]],
           [("Mask R-CNN [13]", ["39.8", "62.3", "43.4", "22.1", "43.2", "51.2", "37.1", "60.0", "39.4", "16.9"]),
            ("Torrent", ["44.9", "66.1", "49.0", "27.3", "47.5", "56.6", "40.2", "63.4", "43.1", "21.4"])],
           xs, x_end=560)
    return pdf


def test_coco_box_columns_only_and_the_right_ap_variants():
    _doc, cands = _read(_coco_pdf())
    assert _headlines(cands) == {("COCO", "AP"): 44.9, ("COCO", "AP50"): 66.1}
    assert not any(c.attrs["value"] in (40.2, 63.4) for c in cands), "mask AP is another task"
    assert not any(c.attrs["value"] in (49.0, 27.3) for c in cands), "AP75 / APs are not scored"


# ------------------------------------------------------------------ appendix, continued over two pages

def _appendix_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, "Quillnet: Residual Stacks for Visual Recognition",
                       "We present Quillnet and evaluate it on ImageNet.")
    page.insert_text((60, 170), "1 Introduction", fontsize=11)
    _prose(page, 60, 190, 105, 40)
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), "Appendix", fontsize=11)
    y = _prose(page, 60, 90, 105, 3)
    page.insert_text((60, y + 14), "Table 8: ImageNet top-1 accuracy (%) of every Quillnet depth.", fontsize=8)
    y = _table(page, y + 40, [[(400, "top-1 acc.")]],
               [(f"Quillnet-{d}", [v]) for d, v in ((18, "71.2"), (34, "74.6"), (50, "77.0"))], [400])
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), "Table 8: (continued)", fontsize=8)
    _table(page, 90, [[(400, "top-1 acc.")]],
           [(f"Quillnet-{d}", [v]) for d, v in ((101, "78.4"), (152, "79.1"))], [400])
    return pdf


def test_appendix_table_continued_on_the_next_page():
    _doc, cands = _read(_appendix_pdf())
    assert _headlines(cands) == {("ImageNet", "top-1 accuracy"): 79.1}
    last = next(c for c in _table_cands(cands) if c.attrs["value"] == 79.1)
    assert last.features["continued"] and last.evidence.page == 3
    assert all(c.features["appendix"] for c in _table_cands(cands))


# ------------------------------------------------------------------ negatives

def _negative_pdf(caption: str, rows, header, title="Quillnet: Residual Stacks for Visual Recognition",
                  abstract="We present Quillnet and evaluate it on ImageNet.") -> pymupdf.Document:
    pdf = pymupdf.open()
    page = _title_page(pdf, title, abstract)
    y = _prose(page, 60, 170, 105, 4)
    page.insert_text((60, y + 14), caption, fontsize=8)
    _table(page, y + 40, [header], rows, [330, 420])
    return pdf


def test_baselines_only_table_gives_no_headline():
    pdf = _negative_pdf("Table 1: Earlier networks on ImageNet, error (%) at top-1 and top-5.",
                        [("AlexNet [20]", ["37.5", "17.0"]), ("VGG-19 [31]", ["24.4", "7.1"]),
                         ("GoogLeNet [33]", ["-", "7.9"])],
                        [(330, "top-1 err."), (420, "top-5 err.")])
    _doc, cands = _read(pdf)
    assert _headlines(cands) == {}


def test_table_of_another_dataset_gives_nothing():
    pdf = _negative_pdf("Table 1: Error (%), CIFAR-10 / CIFAR-100.",
                        [("WRN-28 [41]", ["4.0", "19.3"]), ("Quillnet-110", ["3.6", "17.9"])],
                        [(330, "C10 err."), (420, "C100 err.")])
    _doc, cands = _read(pdf)
    assert [c for c in cands if c.confidence >= 0.5] == []


def test_ablation_table_rows_are_not_headlines_over_the_main_table():
    pdf = _crops_pdf()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 70), "Table 6: Ablation of the stack design on ImageNet (top-1 err., single-crop).",
                     fontsize=8)
    _table(page, 100, [[(330, "top-1 err.")]],
           [("Quillnet-101 w/o gating", ["19.90"]), ("Quillnet-101 w/o stacking", ["19.70"]),
            ("Quillnet-101 (full)", ["21.75"])], [330])
    _doc, cands = _read(pdf)
    assert _headlines(cands)[("ImageNet", "top-1 error")] == 20.4
    ablated = [c for c in _table_cands(cands) if c.attrs["value"] in (19.9, 19.7)]
    assert ablated and all(c.features["ablation"] for c in ablated)
    assert all(c.confidence < 0.5 for c in ablated)


# ------------------------------------------------------------------ side by side, metric subscripts

def _side_by_side_pdf() -> pymupdf.Document:
    """Two tables side by side, each captioned below in its own column; the right one writes its
    metrics as AP with the IoU as a subscript set on a lower line ("AP" over "50")."""
    pdf = pymupdf.open()
    page = _title_page(pdf, "Torrent: Region Features for Detection",
                       "We introduce Torrent and evaluate it on ImageNet and on COCO detection.")
    y = 200
    _row(page, y, [(60, "Model"), (250, "Top-1 acc.")])
    for i, (label, v) in enumerate([("RegNet-8G [30]", "81.7"), ("Torrent-B", "83.1"), ("Torrent-L", "84.0")]):
        _row(page, y + 12 * (i + 1), [(60, label), (255, v)])
    page.insert_text((60, y + 60), "Table 3: ImageNet classification of the backbones.", fontsize=8)
    # Set as tight as LaTeX sets AP^{box}_{50}: the subscript touches its "AP", the next "AP" follows
    # a few points on, so the header's words run together as one cell over three columns.
    _row(page, y, [(320, "Model"), (450, "AP"), (470, "AP"), (490, "AP")])
    for x, sub in ((470 + 11.3, "50"), (490 + 11.3, "75")):
        page.insert_text((x, y + 3), sub, fontsize=5.5)
    for i, (label, cells) in enumerate([("RetinaNet [21]", ["39.1", "59.1", "42.3"]),
                                        ("Torrent-B", ["45.2", "64.8", "48.7"]),
                                        ("Torrent-L", ["47.0", "66.3", "50.9"])]):
        _row(page, y + 12 * (i + 1), [(320, label)] + list(zip((450, 470.5, 491), cells)), size=7)
    page.insert_text((320, y + 60), "Table 4: Detection results on COCO val.", fontsize=8)
    return pdf


def test_side_by_side_tables_are_read_apart_and_subscripted_metrics_name_their_columns():
    doc, cands = _read(_side_by_side_pdf())
    assert _headlines(cands) == {("ImageNet", "top-1 accuracy"): 84.0, ("COCO", "AP"): 47.0, ("COCO", "AP50"): 66.3}
    assert not any(c.attrs["value"] in (50.9, 48.7) for c in cands), "AP75 is not scored"


# ------------------------------------------------------------------ bold marks from the XHTML

def test_bold_words_follow_the_markup_and_give_up_when_it_does_not_line_up():
    from extractors.tables import bold_words

    words = [(0, 0, 1, 1, "Zephyr-L", 0, 0, 0), (2, 0, 3, 1, "85.1", 0, 0, 1), (4, 0, 5, 1, "&", 0, 0, 2)]
    assert bold_words("<p>Zephyr-L <b>85.1</b> &amp;</p>", words) == [False, True, False]
    assert bold_words("<p>Zephyr-L <b>85.1</b></p>", words) is None, "a word missing from the markup"
    assert bold_words("<p>Zephyr-L <b>85.1</b> &amp; 7</p>", words) is None, "markup with text the words lack"
