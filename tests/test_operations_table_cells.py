"""Size and cost cells that the table grid merged with a neighbour, and bibliography entries read as
body text (extractors/operations.py, extractors/cues.py).

A grid built from word boxes sometimes joins two narrow columns into one cell: a "#FLOPs" column with
the ratio column beside it ("1x 0.39B"), or a score with a size ("93.5% 5.3M"). Tables are written
for these tests, never copied from a corpus paper.
"""
from __future__ import annotations

from extractors import cues, operations
from extractors.document import Sentence, TableRegion


def _best(tables, field):
    found = operations.extract_operation_inputs([], own_names=frozenset({"FooNet"}), tables=tables,
                                                title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return sorted((c.attrs["flops" if field == "forward_flops" else "parameters"], c.features.get("model_label"))
                  for c in found if c.field == field and c.is_best)


def _merged_table() -> TableRegion:
    # The grid lost the "#Params" and one "Ratio" header and merged their cells with the neighbours;
    # a caption line running over the table repeats in every cell of the first row.
    note = "(with 6x fewer parameters and 9x fewer FLOPs) than the networks before it."
    return TableRegion(page=4, caption="Table 3. Accuracy and cost on ImageNet of FooNet and earlier networks.", rows=[
        ["", note, note, note, note],
        ["Model", "Top-1 Acc.", "Top-5 Acc.", "#FLOPs", "Ratio-to-FooNet"],
        ["FooNet-S", "71.0%", "90.1% 4.0M", "1x 0.31B", "1x"],
        ["BarNet-50 (Doe et al., 2015)", "70.2%", "89.5% 21M", "6.5x 2.0B", "5x"],
        ["FooNet-M", "74.4%", "92.0% 6.6M", "1x 0.62B", "1x"],
        ["QuxNet (Roe et al., 2016)", "74.0%", "91.7% 30M", "9.0x 5.6B", "4.5x"],
    ])


def test_a_cost_merged_with_its_ratio_column_is_read_for_the_own_rows():
    assert _best([_merged_table()], "forward_flops") == [(3.1e8, "FooNet-S"), (6.2e8, "FooNet-M")]


def test_without_the_merged_cell_reading_the_table_gives_no_cost(ablated):
    ablated("ops_merged_cell")
    assert _best([_merged_table()], "forward_flops") == []


def _patterns(tables) -> set[str]:
    found = operations.extract_operation_inputs([], own_names=frozenset({"FooNet"}), tables=tables,
                                                title_vocabulary=frozenset({"foonet"}))
    return {c.features["pattern"] for c in found if c.field == "forward_flops"}


def test_the_cost_column_is_read_as_a_column_under_a_spanning_line():
    assert _patterns([_merged_table()]) == {"table_column"}


def test_without_skipping_the_spanning_line_the_cost_column_has_no_header(ablated):
    # The note repeated in every cell of the first row joins each column's header: "#FLOPs" is lost and
    # only the row fallback, which reads any suffixed number of an own row, is left.
    ablated("ops_header_spanning_line")
    assert _patterns([_merged_table()]) == {"table_merged"}


def test_a_merged_cell_needs_the_columns_unit_and_a_plain_neighbour():
    table = TableRegion(page=4, caption="Table 2. Cost of FooNet on ImageNet.", rows=[
        ["Model", "Top-1 Acc.", "#FLOPs"],
        ["FooNet-A", "70.3%", "1x 12M"],        # a million-suffix beside a ratio: FLOPs may be in M
        ["FooNet-B", "72.8%", "0.4B 0.5B"],     # two values: which one is the column's is unknown
        ["FooNet-C", "73.9%", "224px 0.7B"],    # the neighbour is no ratio or score
        ["FooNet-D", "75.0%", "2x 9K"],         # a thousand-suffix is no forward cost
    ])
    assert _best([table], "forward_flops") == [(1.2e7, "FooNet-A")]


def test_a_merged_row_gives_each_column_one_value():
    # "Params | Train steps | PPLX": the steps carry a size-like suffix but are not the model's size.
    table = TableRegion(page=9, caption="Table 8: Exact numbers of the language-model runs.", rows=[
        ["Model Params Train steps", "PPLX", "Speed-up"],
        ["FooNet 41M 2.2M", "30.12", "1.9"],
        ["FooNet-Wide 63M 1.4M", "28.40", "2.2"],
    ])
    assert _best([table], "parameters") == [(4.1e7, "FooNet"), (6.3e7, "FooNet-Wide")]


def test_without_one_value_per_column_the_steps_read_as_sizes(ablated):
    ablated("ops_merged_one_per_column")
    table = TableRegion(page=9, caption="Table 8: Exact numbers of the language-model runs.", rows=[
        ["Model Params Train steps", "PPLX", "Speed-up"],
        ["FooNet 41M 2.2M", "30.12", "1.9"],
    ])
    assert (2.2e6, "FooNet") in _best([table], "parameters")


# --- a bibliography entry read as body text --------------------------------------------------------

def _params_in(text: str) -> list[float]:
    found = operations.extract_operation_inputs([Sentence(15, text, "appendix", 0)], own_names=frozenset({"FooNet"}),
                                                tables=[], title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return [c.attrs["parameters"] for c in found if c.field == "parameters" and c.is_best and c.confidence >= 0.5]


ENTRY = ("Okafor, B., Lind, T., and Haas, M. Quill-3B: A 3 billion parameter open model for code. "
         "https://example.org/quill, March 2023.")


def test_an_author_list_entry_gives_no_parameter_count():
    assert _params_in(ENTRY) == []


def test_without_the_author_list_form_the_entry_title_gives_a_count(ablated):
    ablated("reference_author_list")
    assert _params_in(ENTRY) == [3e9]


def test_a_sentence_naming_authors_in_prose_is_no_entry():
    assert cues.is_reference_entry(ENTRY)
    assert not cues.is_reference_entry("Okafor et al. train a 3 billion parameter model for code.")
    assert not cues.is_reference_entry("Finally, B. Okafor helped with the 3 billion parameter runs.")

