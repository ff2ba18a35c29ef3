"""Reading result tables already cut into cells (TableRegion): headers, own rows, splits, cell forms."""
from __future__ import annotations

from extractors.document import DocumentText, Sentence, TableRegion
from extractors.results import extract_results


def doc_with(*tables: TableRegion, title: str = "QUILL: Pre-trained Encoders for Reading Comprehension",
             sentences: tuple[str, ...] = ()) -> DocumentText:
    items = [Sentence(1, s, "experiments", i) for i, s in enumerate(sentences)]
    return DocumentText(arxiv_id=None, pages=["x"], sentences=items, tables=list(tables), title=title)


def best(doc: DocumentText) -> dict[tuple[str, str], float]:
    return {(c.attrs["dataset"], c.attrs["metric"]): c.attrs["value"]
            for c in extract_results(doc, None) if c.is_best and c.confidence >= 0.5}


SQUAD_TABLE = TableRegion(page=7, caption="Table 2: SQuAD 1.1 results.", rows=[
    ["System", "Dev", "Dev", "Test", "Test"],
    ["", "EM", "F1", "EM", "F1"],
    ["Human", "-", "-", "82.3", "91.2"],
    ["Published", "", "", "", ""],
    ["R.M. Reader (Hu et al., 2018)", "81.2", "87.9", "82.3", "88.5"],
    ["Ours", "", "", "", ""],
    ["BERTBASE (Single)", "80.8", "88.5", "-", "-"],
    ["BERTLARGE (Ensemble)", "86.2", "92.2", "87.4", "93.2"],
])


def test_evidence_span_is_the_cell_of_its_column_even_when_values_repeat():
    table = TableRegion(page=8, caption="Table 7: Comparison on ILSVRC classification. More text.", rows=[
        ["Method", "top-5 val. error", "top-5 test error"],
        ["GoogLeNet [44]", "7.9", "-"],
        ["our net", "6.8", "6.8"],
    ])
    cands = [c for c in extract_results(doc_with(table, title="Very Deep Networks"), None) if c.attrs["value"] == 6.8]
    spans = sorted((c.evidence.char_start, c.evidence.char_end) for c in cands)
    assert len(spans) == 2 and spans[0] != spans[1]
    assert all(c.evidence.match == "6.8" for c in cands)
    assert cands[0].evidence.sentence.startswith("Table 7: Comparison on ILSVRC classification | our net")


def test_own_rows_test_split_best_value():
    found = best(doc_with(SQUAD_TABLE))
    assert found == {("SQuAD 1.1", "EM"): 87.4, ("SQuAD 1.1", "F1"): 93.2}


def test_table_candidates_carry_row_evidence():
    cands = [c for c in extract_results(doc_with(SQUAD_TABLE), None) if c.is_best]
    f1 = next(c for c in cands if c.attrs["metric"] == "F1")
    assert f1.evidence.section == "table" and f1.evidence.page == 7
    assert f1.evidence.match == "93.2"
    assert f1.evidence.sentence == "Table 2: SQuAD 1.1 results. | BERTLARGE (Ensemble) 86.2 92.2 87.4 93.2"


def test_baseline_rows_with_citations_are_never_headlines():
    table = TableRegion(page=3, caption="Table 4: Error rates (%) on the ImageNet validation set.", rows=[
        ["method", "top-1 err.", "top-5 err."],
        ["VGG [41]", "24.4", "7.1"],
        ["PReLU-net [13]", "21.59", "5.71"],
        ["BN-inception [16]", "21.99", "5.81"],
    ])
    assert best(doc_with(table, title="Deep Residual Learning")) == {}


def test_row_without_citation_among_cited_rows_is_own_and_error_columns_read():
    table = TableRegion(page=3, caption="Table 4: Error rates (%) on the ImageNet validation set.", rows=[
        ["method", "top-1 err.", "top-5 err."],
        ["VGG [41]", "24.4", "7.1"],
        ["PReLU-net [13]", "21.59", "5.71"],
        ["our net", "19.38", "4.49"],
    ])
    assert best(doc_with(table, title="Deep Residual Learning")) == {
        ("ImageNet", "top-1 error"): 19.38, ("ImageNet", "top-5 error"): 4.49}


def test_fractions_become_percent():
    table = TableRegion(page=5, caption="Table 1. Classification performance comparison on ImageNet.", rows=[
        ["", "Top-1 accuracy", "Top-5 accuracy"],
        ["VGG-16 [1]", "0.715", "0.901"],
        ["Xception", "0.790", "0.945"],
    ])
    found = best(doc_with(table, title="Splitnet: Image Recognition with Factored Convolutions"))
    assert found == {("ImageNet", "top-1 accuracy"): 79.0, ("ImageNet", "top-5 accuracy"): 94.5}


def test_slash_cells_in_squad_columns_are_f1_over_em():
    # No metric names in the header: F1 >= EM always, so the larger number is F1.
    table = TableRegion(page=10, caption="Table 10: Best published scores for SQuAD, with ours.", rows=[
        ["Models", "SQuAD1.1 dev", "SQuAD2.0 test"],
        ["XLNet (Yang et al., 2019)", "94.5/89.0", "89.1/86.3"],
        ["ALBERT", "95.5/90.1", "92.2/89.7"],
    ])
    found = best(doc_with(table, title="ALBERT: A Lite BERT"))
    assert found == {("SQuAD 1.1", "F1"): 95.5, ("SQuAD 1.1", "EM"): 90.1,
                     ("SQuAD 2.0", "F1"): 92.2, ("SQuAD 2.0", "EM"): 89.7}


def test_header_repeated_half_way_starts_a_new_metric():
    table = TableRegion(page=6, caption="Table 2: ImageNet 2012 validation error rates.", rows=[
        ["", "top-1 error (%)", "top-1 error (%)"],
        ["(a) no SPP [4]", "35.99", "34.93"],
        ["(c) SPP multi-size trained", "34.60", "33.94"],
        ["", "top-5 error (%)", "top-5 error (%)"],
        ["(a) no SPP [4]", "14.76", "13.92"],
        ["(c) SPP multi-size trained", "13.64", "13.33"],
    ])
    found = best(doc_with(table, title="Spatial Pyramid Pooling",
                          sentences=("Our SPP layer helps.", "Our SPP network works.")))
    assert found == {("ImageNet", "top-1 error"): 33.94, ("ImageNet", "top-5 error"): 13.33}


def test_other_dataset_columns_and_captions_are_skipped():
    cifar = TableRegion(page=7, caption="Table 6: CIFAR-10 test-set classification error.", rows=[
        ["method", "error (%)"], ["Ours", "6.43"]])
    voc = TableRegion(page=8, caption="Table 7: PASCAL VOC 2007 detection mAP (%).", rows=[
        ["", "mAP"], ["Ours", "76.4"]])
    mixed = TableRegion(page=9, caption="Table 1: Test error (%) of our models.", rows=[
        ["", "CIFAR10+", "SVHN"], ["Ours", "5.25", "1.75"]])
    assert best(doc_with(cifar, voc, mixed, title="Deep Networks")) == {}


def test_unscored_metric_columns_are_ignored():
    table = TableRegion(page=3, caption="Table 3: Results on COCO test-dev.", rows=[
        ["Model", "AP", "AP50", "AP75", "APS", "Params"],
        ["RetinaNet [21]", "39.1", "59.1", "42.3", "21.8", "34M"],
        ["Ours-D7", "52.2", "71.4", "56.3", "35.2", "52M"],
    ])
    found = best(doc_with(table, title="Ours: Scalable Detection"))
    assert found == {("COCO", "AP"): 52.2, ("COCO", "AP50"): 71.4}


def test_sentence_and_table_agreeing_raise_confidence():
    table = TableRegion(page=8, caption="Table 2: BLEU scores on WMT 2014 English-to-German newstest2014.", rows=[
        ["Model", "BLEU EN-DE"],
        ["ByteNet [18]", "23.75"],
        ["Transformer (big)", "28.4"],
    ])
    alone = extract_results(doc_with(table, title="Attention Is All You Need"), None)
    both = extract_results(doc_with(table, title="Attention Is All You Need", sentences=(
        "For WMT 2014 English-to-German, our translator scores 28.4 BLEU.",)), None)
    top_alone = max(c.confidence for c in alone if c.attrs["value"] == 28.4)
    top_both = max(c.confidence for c in both if c.attrs["value"] == 28.4 and c.evidence.section == "table")
    assert top_both > top_alone


def test_human_and_published_rows_are_not_the_papers_model():
    table = TableRegion(page=7, caption="Table 2: SQuAD 1.1 test results.", rows=[
        ["System", "EM", "F1"],
        ["Human Performance", "82.3", "91.2"],
        ["Published", "", ""],
        ["Match-LSTM", "64.7", "73.7"],
        ["Our reader", "68.0", "77.3"],
    ])
    assert best(doc_with(table, title="Reading Wikipedia")) == {("SQuAD 1.1", "EM"): 68.0, ("SQuAD 1.1", "F1"): 77.3}


def test_transposed_table_reads_the_columns_of_the_papers_model():
    table = TableRegion(page=31, caption="Table 6: Comparison on downstream one-shot tasks.", rows=[
        ["", "Baseline", "Baseline", "Ournet", "Ournet"],
        ["Task Metric", "1/3", "Full", "1/3", "Full"],
        ["TriviaQA acc", "22.5 ± 0.4", "26.8 ± 0.5", "27.5 ± 0.4", "32.2 ± 0.5"],
        ["SQuADv2 f1", "54.2 ± 2.4", "65.4 ± 2.9", "64.2 ± 3.7", "67.8 ± 1.2"],
        ["CoQa f1", "52.5 ± 1.1", "57.7 ± 1.2", "59.1 ± 0.9", "61.2 ± 0.7"],
    ])
    found = best(doc_with(table, title="Ournet: Searching for Efficient Models"))
    assert found == {("SQuAD 2.0", "F1"): 67.8}


def test_mask_ap_is_not_box_ap():
    table = TableRegion(page=4, caption="Table 3: Instance segmentation on COCO test-dev.", rows=[
        ["Method", "mask AP", "AP mask 50"],
        ["Mask R-CNN [9]", "35.7", "58.0"],
        ["Ours", "37.1", "60.0"],
    ])
    assert best(doc_with(table, title="Ours: Segmenting")) == {}


def test_squad_version_over_columns_and_metric_named_in_caption():
    squad = TableRegion(page=6, caption="Table 4: Results on the SQuAD test sets.", rows=[
        ["Model", "v1.1 EM", "v1.1 F1", "v2.0 EM", "v2.0 F1"],
        ["Reader [3]", "80.1", "87.0", "70.3", "73.1"],
        ["Ours", "86.9", "92.6", "80.4", "83.5"],
    ])
    wmt = TableRegion(page=8, caption="Table 2: BLEU scores on WMT 2014 newstest2014.", rows=[
        ["Model", "EN-DE", "EN-FR"],
        ["ConvS2S [9]", "25.16", "40.46"],
        ["Ours (big)", "28.9", "41.9"],
    ])
    found = best(doc_with(squad, wmt, title="Ours: A Model"))
    assert found == {("SQuAD 1.1", "EM"): 86.9, ("SQuAD 1.1", "F1"): 92.6, ("SQuAD 2.0", "EM"): 80.4,
                     ("SQuAD 2.0", "F1"): 83.5, ("WMT14 EN-DE", "BLEU"): 28.9, ("WMT14 EN-FR", "BLEU"): 41.9}


def test_library_style_accuracy_headers_and_top_k_without_a_word():
    table = TableRegion(page=5, caption="Table 2: ImageNet results.", rows=[
        ["Model", "Params", "Acc@1", "Top-5"],
        ["ResNet-50 [8]", "26M", "76.0", "93.0"],
        ["Ournet-B3", "12M", "81.6", "95.7"],
    ])
    found = best(doc_with(table, title="Ournet: Rethinking Model Scaling"))
    assert found == {("ImageNet", "top-1 accuracy"): 81.6, ("ImageNet", "top-5 accuracy"): 95.7}
