"""Quantity rows with one value per model column ("# Parameters | 7B | 8B | ours")
(extractors/operation_cells.py).

Tables are written for these tests about made-up models, never copied from a corpus paper.
"""
from __future__ import annotations

from extractors import operations
from extractors.document import TableRegion


def _own_sizes(table: TableRegion) -> list[tuple[float, str]]:
    found = operations.extract_operation_inputs([], own_names=frozenset({"FooNet"}), tables=[table],
                                                title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return sorted((c.attrs["parameters"], c.features.get("model_label")) for c in found
                  if c.field == "parameters" and c.is_best and c.confidence >= 0.5)


def _side_by_side() -> TableRegion:
    rows = [["Task", "ZetaLM", "CorvidNet", "FooNet"],
             ["# Parameters", "6.9B", "7.4B", "8.1B"],
             ["# Training tokens", "2T", "6T", "90B"],
             ["Reading (5-shot)", "61.2", "64.0", "63.5"]]
    return TableRegion(page=6, caption="Table 2: Our FooNet next to open models of its size.", rows=rows)


def test_named_columns_beside_the_own_column_are_other_models():
    assert _own_sizes(_side_by_side()) == [(8.1e9, "FooNet")]


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


def test_a_quantity_row_under_group_names_only_reads_without_a_model_header():
    table = TableRegion(page=2, caption="Table 1: The FooNet sizes.", rows=[
        ["", "Sizes", "Sizes", "Sizes"],
        ["# Parameters", "60M", "220M", "770M"],
    ])
    assert [v for v, _ in _own_sizes(table)] == [6e7, 2.2e8, 7.7e8]
