"""Rows whose cells the table grid merged into one ("FooNet-T 224 15.6M 2.45G" under "size #param
FLOPs"): extractors/operation_cells.py's merged-row reader. Tables are our own, about made-up models."""
from __future__ import annotations

from extractors import operations
from extractors.document import TableRegion


def _best(table: TableRegion) -> dict[str, list[float]]:
    found = operations.extract_operation_inputs([], own_names=frozenset({"FooNet"}), tables=[table],
                                                title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    out: dict[str, list[float]] = {}
    for c in found:
        if c.is_best and c.confidence >= 0.5:
            out.setdefault(c.field, []).append(c.value)
    return {f: sorted(v) for f, v in out.items()}


def _merged(rows: list[list[str]]) -> TableRegion:
    return TableRegion(page=4, caption="Table 2: FooNet model sizes on ImageNet-1K.",
                       rows=[["model size #param FLOPs", "top-1"], *rows])


def test_the_numbers_of_a_merged_row_follow_the_header_order():
    table = _merged([["FooNet-T 224 15.6M 2.45G", "78.1"], ["FooNet-B 224 89.0M 15.4G", "83.2"]])
    assert _best(table) == {"parameters": [1.56e7, 8.9e7], "forward_flops": [2.45e9, 1.54e10]}


def test_another_models_merged_row_is_not_read():
    table = _merged([["FooNet-T 224 15.6M 2.45G", "78.1"], ["BarNet-50 [12] 224 25.6M 4.1G", "76.0"]])
    assert _best(table) == {"parameters": [1.56e7], "forward_flops": [2.45e9]}


def test_switched_off_the_merged_rows_give_nothing(ablated):
    ablated("ops_merged_rows")
    assert _best(_merged([["FooNet-T 224 15.6M 2.45G", "78.1"]])) == {}


def test_a_row_with_fewer_numbers_than_columns_is_read_by_suffix():
    # one number is missing from the row ("-" in the grid): G is a cost, M a size, whatever the order
    table = _merged([["FooNet-S 256 7.2G", "80.4"], ["FooNet-L 256 198M", "84.0"]])
    assert _best(table) == {"parameters": [1.98e8], "forward_flops": [7.2e9]}


def test_switched_off_the_suffix_reading_keeps_only_rows_in_header_order(ablated):
    ablated("ops_merged_by_suffix")
    table = _merged([["FooNet-S 256 7.2G", "80.4"], ["FooNet-B 224 89.0M 15.4G", "83.2"]])
    assert _best(table) == {"parameters": [8.9e7], "forward_flops": [1.54e10]}


def test_a_size_inside_the_model_name_is_not_a_cell_of_the_row():
    # "FooNet-60M" is named after its size; the row's own cell says 60.4M
    table = _merged([["FooNet-60M 224 60.4M 9.1G", "80.7"]])
    assert _best(table) == {"parameters": [6.04e7], "forward_flops": [9.1e9]}


def test_more_sized_numbers_than_size_columns_are_not_guessed_by_suffix():
    # "Params" is the only size column; "1.4M" counts training steps, and no suffix tells them apart.
    table = TableRegion(page=12, caption="Table 9: FooNet on the small corpus, exact numbers.",
                        rows=[["Params Train steps Steps/s", "Loss"], ["FooNet-S 41M 1.4M 18.2", "3.07"],
                              ["FooNet-L 96M 2.1M 9.5", "2.81"]])
    assert _best(table) == {}


def test_as_many_sized_numbers_as_size_columns_are_read_in_header_order():
    table = TableRegion(page=12, caption="Table 9: FooNet on the small corpus, exact numbers.",
                        rows=[["Params FLOPs Steps/s", "Loss"], ["FooNet-S 41M 3.1G 18.2", "3.07"]])
    assert _best(table) == {"parameters": [4.1e7], "forward_flops": [3.1e9]}
