"""Quantity rows with one value per model column ("# Parameters | 7B | 8B | ours"), and the caption a
re-read table keeps (extractors/operations.py, extractors/operation_tables.py).

Tables are written for these tests about made-up models, never copied from a corpus paper.
"""
from __future__ import annotations

from extractors import operations
from extractors.document import TableRegion
from extractors.operation_tables import _same_table


def _own_sizes(table: TableRegion) -> list[tuple[float, str]]:
    found = operations.extract_operation_inputs([], own_names=frozenset({"FooNet"}), tables=[table],
                                                title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return sorted((c.attrs["parameters"], c.features.get("model_label")) for c in found
                  if c.field == "parameters" and c.is_best and c.confidence >= 0.5)


def _side_by_side(group_row: bool) -> TableRegion:
    rows = [["", "Models", "Models", "Models"]] if group_row else []
    rows += [["Task", "ZetaLM", "CorvidNet", "FooNet"],
             ["# Parameters", "6.9B", "7.4B", "8.1B"],
             ["# Training tokens", "2T", "6T", "90B"],
             ["Reading (5-shot)", "61.2", "64.0", "63.5"]]
    return TableRegion(page=6, caption="Table 2: Our FooNet next to open models of its size.", rows=rows)


def test_a_group_name_over_the_model_columns_is_not_their_header():
    assert _own_sizes(_side_by_side(group_row=True)) == [(8.1e9, "FooNet")]


def test_without_skipping_the_group_row_every_column_reads_as_own(ablated):
    ablated("ops_row_model_header")
    assert len(_own_sizes(_side_by_side(group_row=True))) == 3


def test_named_columns_beside_the_own_column_are_other_models():
    assert _own_sizes(_side_by_side(group_row=False)) == [(8.1e9, "FooNet")]


def test_columns_named_with_a_release_number_are_other_models():
    """"Wren-2", "Heron-3.5": a word and a version number name a model as "ZetaLM" does."""
    table = TableRegion(page=6, caption="Table 3: FooNet beside released models.", rows=[
        ["", "Wren-2", "Heron-3.5", "FooNet"],
        ["# Parameters", "6.9B", "3.8B", "8.1B"],
    ])
    assert _own_sizes(table) == [(8.1e9, "FooNet")]


def test_unnamed_size_columns_of_a_size_table_stay_own():
    table = TableRegion(page=3, caption="Table 1: The FooNet sizes we train.", rows=[
        ["", "Small", "Base", "Large"],
        ["# Parameters", "60M", "220M", "770M"],
    ])
    assert [v for v, _ in _own_sizes(table)] == [6e7, 2.2e8, 7.7e8]


def test_a_sub_header_row_labelled_params_gives_no_size():
    # "Params | Loss @ 2.5M steps": the second cell names a column, its number counts steps.
    table = TableRegion(page=9, caption="Table 9: FooNet against two baselines at two budgets.", rows=[
        ["", "Corpus A", "Corpus A", "Corpus B"],
        ["Params", "Loss @ 2.5M steps", "Params", "Loss @ 0.8M steps"],
        ["FooNet 52M", "3.12", "140M", "2.80"],
    ])
    assert all(v not in (2.5e6, 8e5) for v, _ in _own_sizes(table))


def test_without_the_value_cell_rule_the_steps_read_as_sizes(ablated):
    ablated("ops_row_value_cells")
    table = TableRegion(page=9, caption="Table 9: FooNet against two baselines.", rows=[
        ["Params", "Loss @ 2.5M steps"],
        ["FooNet 52M", "3.12"],
    ])
    assert any(v == 2.5e6 for v, _ in _own_sizes(table))


def _grid(caption: str, rows: list[list[str]]) -> TableRegion:
    return TableRegion(page=7, caption=caption, rows=rows)


def test_a_table_gridded_twice_takes_the_caption_of_the_first_reading():
    rows = [["Model", "E", "Params", "Score"], ["FooNet E=64", "64", "81M", "80.1"],
            ["FooNet E=128", "128", "84M", "80.6"], ["FooNet E=256", "256", "90M", "81.0"]]
    known = [_grid("Table 4: Results on the dev sets for the main runs.", [["Model", "Score"], ["FooNet", "82.3"]]),
             _grid("Table 5: The effect of the embedding size E on FooNet.", [r[:1] + [" ".join(r[1:3])] + r[3:] for r in rows])]
    again = _grid("Table 4: Results on the dev sets for the main runs.", rows)
    assert _same_table(again, known).caption.startswith("Table 5")


def test_a_different_table_on_the_page_is_not_the_same_table():
    mine = _grid("Table 1: Sizes.", [["Model", "Params"], ["FooNet-S", "12M"], ["FooNet-M", "40M"],
                                    ["FooNet-L", "95M"], ["FooNet-XL", "310M"], ["FooNet-H", "640M"],
                                    ["FooNet-G", "1.2B"], ["FooNet-T", "2.4B"], ["FooNet-U", "5.0B"]])
    other = _grid("Table 2: Scores.", [["Model", "Score"], ["FooNet-S", "71.0"], ["FooNet-L", "75.5"]])
    assert _same_table(mine, [other]) is None


def test_model_names_broken_over_two_header_lines_are_joined():
    table = TableRegion(page=5, caption="Table 1. Three backbones turned into dense predictors.", rows=[
        ["", "FooNet-", "FooNet-", "FooNet-"],
        ["", "Alpha", "Beta16", "Gamma"],
        ["mean IoU", "41.2", "55.0", "44.1"],
        ["parameters", "61M", "128M", "7M"],
    ])
    assert _own_sizes(table) == [(7e6, "FooNet-Gamma"), (6.1e7, "FooNet-Alpha"), (1.28e8, "FooNet-Beta16")]


def _variations(group: str) -> TableRegion:
    return TableRegion(page=8, caption="Table 4: Variations on the FooNet architecture.", rows=[
        ["", "layers", "width", "params ×10^6"],
        ["base", "6", "512", "63"],
        [group, "", "", ""],
        ["big", "6", "1024", "210"],
    ])


def test_size_word_rows_of_a_table_of_own_variations_are_own_sizes():
    assert [v for v, _ in _own_sizes(_variations("(C)"))] == [6.3e7, 2.1e8]


def test_a_size_word_row_under_another_models_name_is_not_own():
    assert [v for v, _ in _own_sizes(_variations("BarNet"))] == [6.3e7]


def test_without_size_word_rows_the_variations_give_no_size(ablated):
    ablated("ops_size_word_rows")
    assert _own_sizes(_variations("(C)")) == []


def test_a_quantity_row_under_group_names_only_reads_without_a_model_header():
    table = TableRegion(page=2, caption="Table 1: The FooNet sizes.", rows=[
        ["", "Sizes", "Sizes", "Sizes"],
        ["# Parameters", "60M", "220M", "770M"],
    ])
    assert [v for v, _ in _own_sizes(table)] == [6e7, 2.2e8, 7.7e8]
