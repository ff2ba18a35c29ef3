"""Model sizes, forward costs and epochs read from table grids (issue 17): the operation counts' tables.

A result table's "Params (M)" / "FLOPs (G)" / "MACs" columns, a configuration table's "Params" column,
an architecture table's "FLOPs" row with one value per model column, an "Epochs" column of the paper's
own settings, and the cells a word-box grid merged ("1x 0.39B", "3.9M 312M", "Xception 22,855,952").
Each value is a candidate labelled with its row's model (`model_label`): the paper's own rows are
confident, other models' rows stay with a low confidence. Rows are judged as the result tables judge
them (results_tables: baselines, "Previous work" groups, author-year citations, "Ours").
operations.extract_operation_inputs adds these to the prose readers' candidates.
"""
from __future__ import annotations

import re

from extractors import cues
from extractors.document import TableRegion
from extractors.numbers import SCALE_WORDS
from extractors.records import Candidate, Evidence
# The result tables' own-row reading (baseline rows, "Previous work" group headers, author-year
# citations, "Ours"), shared so both readers judge a row alike.
from extractors.results_tables import NOT_OWN_GROUP, NOT_OWN_ROW, OURS_LABEL, row_cited
from extractors.tables import QUANTITY_ROW_LABEL

# One version for both operation readers (prose: operations.py; tables: this module).
OPERATIONS_VERSION = "operations@0.4"


# --- table columns: "Params (M)", "FLOPs (G)", "MACs", "#Param." ------------------------------------------

_COLUMN = re.compile(r"(?P<what>#?\s?params?\.?|parameters|#?\s?FLOPs?|GFLOPs|MFLOPs|FLOPS|GFLOPS|MACs?|GMACs|MMACs|"
                     r"Mult-?Adds|MAdds)\s*(?:\(\s*(?P<unit>[KMGBT])\s*\)|\[\s*(?P<unit2>[KMGBT])\s*\])?",
                     re.IGNORECASE)
_CELL = re.compile(r"^[~≈]?(?P<num>\d+(?:\.\d+)?)\s*(?P<suffix>[KMGBT])?[*†‡§∗⋆]*$")
# A scale the header (or the caption) gives its unit-less cells: "params ×10^6" (the text layer drops
# the caret: "×106"), "Parameters (in millions)", "(millions)".
_HEADER_SCALE = re.compile(r"[×x]\s*10\s*\^?\s*(?P<exp>\d{1,2})\b|\(\s*(?:in\s+)?(?P<word>thousands|millions|billions)\s*\)",
                           re.IGNORECASE)
_ROW_VALUE = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)(?:\s*[×x]\s*10\s*\^?\s*(?P<exp>\d{1,2})|(?P<suffix>[KMGBT]))?(?![\w.])")
# Captions of tables that list the paper's own model sizes: there a row named by its size ("125M",
# "1.3B") is one of the paper's own models (`_size_labels`).
_OWN_SIZES_CAPTION = re.compile(r"\bconfigurations?\b|\barchitectures?\b|\bvariations?\b|\bvariants?\b|"
                                r"\bmodel\s+sizes?\b|\bhyper-?\s?parameters\b|\bdetails\b|\bour\b", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b|\b[A-Z][a-z]+[A-Z0-9][\w-]*")
_QUANTITY_WORDS = re.compile(r"^(?:#?params?|parameters|G?M?FLOPs?|GFLOPS|MACs?|GMACs|MMACs|MAdds|Mult-?Adds|"
                             r"AP|mAP|mIoU|FPS|BLEU|PPL|Top-?\d|GPU|TPU)$", re.IGNORECASE)


def _header_scale(text: str) -> float | None:
    match = _HEADER_SCALE.search(text)
    if not match:
        return None
    if match.group("exp"):
        return 10.0 ** int(match.group("exp"))
    return {"thousands": 1e3, "millions": 1e6, "billions": 1e9}[match.group("word").lower()]


def _names_in(text: str) -> list[str]:
    """Model-like names in a header or label ("Mask R-CNN", "RetinaNet", "ResNet-50"), quantity words
    ("FLOPs", "AP") left out."""
    return [m.group(0) for m in _NAME_TOKEN.finditer(text) if not _QUANTITY_WORDS.match(m.group(0))]


def _column_kind(header: str) -> tuple[str, float | None, str] | None:
    """(field, multiplier or None when the cells carry their own suffix, kind) for a header cell."""
    match = _COLUMN.search(header)
    if not match:
        return None
    what = match.group("what").lower().replace(" ", "").replace("#", "").rstrip(".")
    unit = (match.group("unit") or match.group("unit2") or "").upper()
    if what.startswith("param"):
        return "parameters", SCALE_WORDS[unit.lower()] if unit else None, "parameters"
    prefix = {"gflops": "G", "mflops": "M", "gflop": "G", "gmacs": "G", "mmacs": "M"}.get(what.rstrip("s") + "s", "")
    prefix = prefix or {"gflops": "G", "mflops": "M", "gmacs": "G", "mmacs": "M"}.get(what, "")
    scale = unit or prefix
    kind = "flops" if "flop" in what else "multiadds"
    return "forward_flops", SCALE_WORDS[scale.lower()] if scale else None, kind


def _header_rows(rows: list[list[str]]) -> int:
    """Index of the first data row: two numeric cells, or one beside a label that carries suffixed
    numbers (a grid that merged "15.6M 2.45G" into the label cell)."""
    for i, row in enumerate(rows):
        numeric = sum(1 for c in row[1:] if _CELL.match(c.strip()))
        if numeric >= 2 or (numeric == 1 and row and _SUFFIXED.search(" ".join(row))):
            return i
    return len(rows)


def _column_header(rows: list[list[str]], j: int) -> str:
    """Column j's header: its cells in the header rows."""
    return " ".join(r[j] for r in rows if j < len(r) and r[j].strip())


def _row_reading(label: str, group: str, own_names: frozenset[str],
                 title_vocabulary: frozenset[str]) -> tuple[bool, dict]:
    """Is a table row the paper's own model, and the signals that say so, as the result tables read
    rows: a named or "Ours" row is own unless it cites, reads as a baseline ("Baseline", "Previous
    SOTA"), or sits under a group header of other work ("Published", "Prior methods") without the
    paper's name or "ours" in the label itself."""
    named = _row_is_own(label, own_names, title_vocabulary)
    ours_label = bool(OURS_LABEL.search(label))
    ours_group = bool(OURS_LABEL.fullmatch(group.strip())) if group else False
    reading = {"cited": row_cited(label), "not_own_row": bool(NOT_OWN_ROW.search(label)),
               "group_not_own": bool(group and NOT_OWN_GROUP.search(group)), "ours_label": ours_label,
               "ours_group": ours_group, "group_header": group[:40]}
    if cues.ablated("ops_table_own_rows"):
        return named, reading
    if reading["not_own_row"] or (reading["group_not_own"] and not named and not ours_label):
        return False, reading
    return named or ours_group, reading


def _row_is_own(label: str, own_names: frozenset[str], title_vocabulary: frozenset[str]) -> bool:
    """cues.row_label_is_own, plus the family of a hyphenated own name ("TSP-RCNN" for "TSP-FCOS")."""
    if cues.row_label_is_own(label, own_names, title_vocabulary):
        return True
    heads = {n.split("-")[0].lower() for n in own_names if "-" in n and len(n.split("-")[0]) >= 3}
    words = re.findall(r"[A-Za-z][A-Za-z0-9]+", label)
    return bool(words) and words[0].lower() in heads


def _table_candidate(field: str, value: float, kind: str, raw_text: str, confidence: float, page: int,
                     sentence_text: str, start: int, end: int, features: dict) -> Candidate:
    """A forward cost or parameter count read from a table cell, with the cell as its evidence."""
    attrs = {"parameters": float(f"{value:.4g}")} if field == "parameters" else {"flops": float(f"{value:.4g}"), "kind": kind}
    unit = "parameters" if field == "parameters" else ("MAC" if kind == "multiadds" else "FLOP")
    return Candidate(field=field, attrs=attrs, value=value, unit=unit, raw_text=raw_text, confidence=confidence,
                     evidence=Evidence(page, sentence_text, start, end, "table"), extractor=OPERATIONS_VERSION,
                     features=features)


_SUFFIXED = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)(?P<suffix>[KMGBT])(?![\w.])")


def _merged_row_inputs(table: TableRegion, first: int, *, own_names: frozenset[str], title_vocabulary: frozenset[str],
                       madds_paper: bool) -> list[Candidate]:
    """Rows whose cells the grid merged ("ConvNeXt-N 224 15.6M 2.45G" in one cell, header "size #param
    FLOPs"): the suffixed numbers of a row are read in the order the header (else the caption) names the
    params/FLOPs columns; with fewer numbers than columns, G/B suffixes are FLOPs and M/K parameters."""
    if cues.ablated("ops_merged_rows"):
        return []
    header = " ".join(" ".join(r) for r in table.rows[:first])
    order = [_column_kind(m.group(0)) for m in _COLUMN.finditer(header)]
    order = [kind for kind in order if kind]
    source = "header"
    if not order:
        order = [k for k in (_column_kind(m.group(0)) for m in _COLUMN.finditer(table.caption)) if k]
        source = "caption"
    fields = [k[0] for k in order]
    if not fields:
        return []
    out = []
    for row in table.rows[first:]:
        text = " ".join(c for c in row if c)
        label = re.split(r"\s\d", " " + text, maxsplit=1)[0].strip()
        if not label:
            continue
        # The row's cells follow its label: a size inside the model's name ("FooNet-60M") is no cell.
        numbers = [m for m in _SUFFIXED.finditer(text) if m.start() >= len(label)]
        if not numbers:
            continue
        own, _reading = _row_reading(label, "", own_names, title_vocabulary)
        if not own:
            continue  # the merged reader is a fallback: other models' rows are not read at all
        in_order = len(numbers) == len(fields) and source == "header"
        # By suffix only where no number is extra (a cell missing, or the columns named by the caption):
        # with more sized numbers than size and cost columns, the others count steps or tokens ("34M
        # 1.9M" under "Params Train Steps"), and a suffix cannot tell them apart (on the corpus that
        # reading found no paper's value and read one paper's step counts as sizes).
        by_suffix = len(numbers) <= len(fields) and not cues.ablated("ops_merged_by_suffix")
        for i, match in enumerate(numbers):
            suffix = match.group("suffix")
            if in_order:
                field = fields[i]
            elif not by_suffix:
                continue
            elif suffix in "GBT" and "forward_flops" in fields:
                field = "forward_flops"
            elif suffix in "MK" and "parameters" in fields:
                field = "parameters"
            else:
                continue
            value = float(match.group("num")) * SCALE_WORDS[suffix.lower()]
            kind = next((k[2] for k in order if k[0] == field), "flops")
            if field == "forward_flops" and kind == "flops" and madds_paper:
                kind = "multiadds"
            low, high = (1e4, 1e13) if field == "parameters" else (1e5, 5e13)
            if not low <= value <= high:
                continue
            sentence_text = f"{table.caption[:200]} | {header[:120]}: {text}"
            start = len(sentence_text) - len(text) + match.start()
            features = {"pattern": "table_merged", "section": "table", "in_table": True, "own_row": True,
                        "cited": bool(cues.CITATION.search(label)), "model_label": label, "columns_from": source,
                        "kind": kind, "in_header_order": in_order}
            out.append(_table_candidate(field, value, kind, match.group(0), 0.7 if in_order else 0.6, table.page,
                                        sentence_text, start, start + len(match.group(0)), features))
    return out


def _row_quantities(table: TableRegion, *, own_names: frozenset[str], title_vocabulary: frozenset[str],
                    madds_paper: bool) -> list[Candidate]:
    """A row whose label is a quantity ("FLOPs", "# params", "Number of parameters (in millions)") with
    one value per model column (architecture tables set the models side by side): each value with the
    column's header as its model. A value needs its unit: a suffix, a power of ten ("3.6×10^9"), or a
    scale in the row label or caption."""
    if cues.ablated("ops_row_quantities"):
        return []
    out = []
    for i, row in enumerate(table.rows):
        label = row[0].strip() if row else ""
        if not label or not QUANTITY_ROW_LABEL.match(label):
            continue
        kind = _column_kind(label)
        if not kind:
            continue
        field, multiplier, unit_kind = kind
        multiplier = multiplier or _header_scale(label) or _header_scale(table.caption[:200])
        headers = _model_header_row(table.rows[:i])
        for j, cell in enumerate(row[1:], start=1):
            if not cues.ablated("ops_row_value_cells") and re.search(r"[A-Za-z]{3,}", _ROW_VALUE.sub("", cell)):
                continue  # words beside the number: a sub-header ("Params | PPLX @ 1.5M Steps"), not a size
            values = list(_ROW_VALUE.finditer(cell))
            for match, header in zip(values, _value_headers(headers[j] if j < len(headers) else "", len(values))):
                own, reading = _row_reading(header, "", own_names, title_vocabulary) if header else (False, {})
                # A column that names no model in a model-size table is one of the paper's own sizes.
                not_own = bool(header and (reading["cited"] or reading["not_own_row"] or
                                           (_names_in(header) and not own)))
                value = _scaled(match.group("num"), match.group("suffix"), multiplier, match.group("exp"))
                if value is None:
                    continue
                low, high = (1e4, 1e13) if field == "parameters" else (1e5, 5e13)
                if not low <= value <= high:
                    continue
                this_kind = "multiadds" if unit_kind == "flops" and madds_paper else unit_kind
                sentence_text = f"{table.caption[:200]} | {label}: {cell}"
                start = len(sentence_text) - len(cell) + match.start()
                features = {"pattern": "table_row", "section": "table", "in_table": True, "own_row": not not_own,
                            "cited": bool(reading.get("cited")), "model_label": header, "kind": this_kind}
                out.append(_table_candidate(field, value, this_kind, match.group(0), 0.2 if not_own else 0.7,
                                            table.page, sentence_text, start, start + len(match.group(0)), features))
    return out


def _model_header_row(above: list[list[str]]) -> list[str]:
    """The model names over a quantity row's columns: the first row above it."""
    return above[0] if above else []


def _value_headers(header: str, n_values: int) -> list[str]:
    """The model each of a cell's values belongs to: the column's header for one value; for several
    values in a cell the grid merged ("3.6×10^9 3.8×10^9"), the header's names in order when it has
    exactly one per value ("34-layer 50-layer"), else none."""
    header = header.strip()
    if n_values == 1:
        return [header]
    names = header.split()
    if n_values > 1 and len(names) == n_values and not cues.ablated("tables_merged_model_headers"):
        return names
    return [""] * n_values


_SIZE_LABEL = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s?(?P<suffix>[KMBT])[*†‡§∗⋆]?$")
_SIZE_COLUMN = re.compile(r"\b(?:model|size|params?|parameters?|count)\b", re.IGNORECASE)


def _size_labels(table: TableRegion, first: int) -> list[Candidate]:
    """Rows of a configuration table named by their size ("125M | 12 | 768", "1.3B | 24 | 2048" under
    "Model" or "Parameter Count"): the label is the model's parameter count."""
    if cues.ablated("ops_size_labels"):
        return []
    header = " ".join(r[0] for r in table.rows[:first] if r and r[0].strip())
    if not _SIZE_COLUMN.search(header):
        return []
    out = []
    for row in table.rows[first:]:
        label = row[0].strip() if row else ""
        match = _SIZE_LABEL.match(label)
        if not match:
            continue
        value = float(match.group("num")) * SCALE_WORDS[match.group("suffix").lower()]
        if not 1e4 <= value <= 1e13:
            continue
        sentence_text = f"{table.caption[:200]} | {header}: {label}"
        start = len(sentence_text) - len(label)
        features = {"pattern": "table_size_label", "section": "table", "in_table": True, "own_row": True,
                    "cited": False, "model_label": label, "column": header}
        out.append(_table_candidate("parameters", value, "parameters", label, 0.7, table.page, sentence_text, start,
                                    len(sentence_text), features))
    return out


def table_inputs(tables: list[TableRegion], *, own_names: frozenset[str], title_vocabulary: frozenset[str],
                 madds_paper: bool = False) -> list[Candidate]:
    """Params/FLOPs columns of result tables: a candidate per row, labelled with the row's model
    (`model_label`); the paper's own rows are confident, other rows are kept with a low confidence.
    Tables whose grid merged those columns into other cells go through `_merged_row_inputs`."""
    out = []
    for table in tables:
        out += _row_quantities(table, own_names=own_names, title_vocabulary=title_vocabulary, madds_paper=madds_paper)
        first = _header_rows(table.rows)
        out += _epoch_columns(table, first, own_names=own_names, title_vocabulary=title_vocabulary)
        if first == 0 or first >= len(table.rows):
            continue
        width = max(len(r) for r in table.rows)
        columns = {}
        for j in range(1, width):
            header = _column_header(table.rows[:first], j)
            kind = _column_kind(header)
            if kind and len(_COLUMN.findall(header)) == 1:
                columns[j] = (kind, header)
        if _OWN_SIZES_CAPTION.search(table.caption[:200]) or any(
                cues.is_own_name(n, own_names) for n in _names_in(table.caption[:200])):
            out += _size_labels(table, first)
        if not columns:
            out += _merged_row_inputs(table, first, own_names=own_names, title_vocabulary=title_vocabulary,
                                      madds_paper=madds_paper)
            continue
        # The quantities the header and the caption name, in order ("#Params: ...; #Mult-Adds: ...").
        named = [k for k in (_column_kind(m.group(0)) for m in
                             _COLUMN.finditer(" ".join(" ".join(r) for r in table.rows[:first]) + " " + table.caption))
                 if k]
        # A group header right under the column headers ("Ours", "Previous methods") sits among the
        # header rows: its label is the only cell filled.
        group = next((r[0].strip() for r in reversed(table.rows[1:first])
                      if r and r[0].strip() and not any(c.strip() for c in r[1:])), "")
        for row in table.rows[first:]:
            label = row[0].strip() if row else ""
            if not label:
                continue
            if not any(_CELL.match(c.strip()) for c in row[1:]):
                group = label  # a group header over the rows below: "Ours", "Previous methods"
                continue
            own, reading = _row_reading(label, group, own_names, title_vocabulary)
            cited = reading["cited"]
            if own and not cited:
                out += _paired_cells(table, row, columns, named, madds_paper=madds_paper)
            for j, ((field, multiplier, kind), header) in columns.items():
                if j >= len(row):
                    continue
                cell = _CELL.match(row[j].strip())
                if not cell:
                    continue
                value = float(cell.group("num"))
                suffix = cell.group("suffix")
                if suffix:
                    value *= SCALE_WORDS[suffix.lower()]
                elif multiplier:
                    value *= multiplier
                else:
                    continue  # no unit anywhere: "25.6" could be millions or units
                if kind == "flops" and madds_paper:
                    kind = "multiadds"
                low, high = (1e4, 1e13) if field == "parameters" else (1e5, 5e13)
                if not low <= value <= high:
                    continue
                sentence_text = f"{table.caption[:200]} | {header}: {label} {row[j]}"
                start = len(sentence_text) - len(row[j])
                features = {"pattern": "table_column", "section": "table", "in_table": True, "own_row": own,
                            "cited": cited, "model_label": label, "column": header, "kind": kind, **reading}
                score = (0.8 if own else 0.2) - (0.4 if cited else 0.0)
                out.append(_table_candidate(field, value, kind, row[j], cues.clamp(score), table.page,
                                            sentence_text, start, len(sentence_text), features))
    return out


# An "Epochs" column ("Training epochs", "Epochs"), not a point or a rate in a schedule ("Switchover
# point (epochs)", "Warm-up epochs", "Time per epoch (days)").
_EPOCH_HEADER = re.compile(r"\bepochs?\b", re.IGNORECASE)
_NOT_EPOCH_LENGTH = re.compile(r"warm|switch|point|decay|every|\bper\b|\btime\b|hours?|days?|\bat\b|after|drop",
                               re.IGNORECASE)
_EPOCH_CELL = re.compile(r"^(?P<num>\d{1,4})[*†‡§∗⋆]*$")
# A table of the paper's own settings: its rows are the paper's runs (tasks, sizes), not models.
_SETTINGS_CAPTION = re.compile(r"\bhyper-?\s?parameters?\b|\bsettings?\b|\btraining details\b|\bfine-?tun\w*|"
                               r"\bconfigurations?\b|\brecipes?\b", re.IGNORECASE)


def _epoch_columns(table: TableRegion, first: int, *, own_names: frozenset[str],
                   title_vocabulary: frozenset[str]) -> list[Candidate]:
    """Training lengths in an "Epochs" column: one per row, the row's reading as for params/FLOPs
    columns, except that in a table of the paper's own settings every row not marked as another's
    (cited, a baseline) is the paper's run. A settings table whose grid merged two value columns
    ("32 2e-5") has no row of two plain numbers: its data start at the first row with a number."""
    if cues.ablated("ops_epoch_columns"):
        return []
    if first == 0 or first >= len(table.rows):
        first = next((i for i, r in enumerate(table.rows) if i and any(re.match(r"\d", c.strip()) for c in r[1:])), 0)
        if first == 0:
            return []
    width = max(len(r) for r in table.rows)
    columns = []
    for j in range(1, width):
        header = " ".join(r[j] for r in table.rows[:first] if j < len(r) and r[j].strip())
        if _EPOCH_HEADER.search(header) and not _NOT_EPOCH_LENGTH.search(header):
            columns.append((j, header))
    if not columns:
        return []
    settings = bool(_SETTINGS_CAPTION.search(table.caption[:200]))
    phase = cues.training_phase(table.caption[:200])
    out = []
    for row in table.rows[first:]:
        label = row[0].strip() if row else ""
        if not label:
            continue
        own, reading = _row_reading(label, "", own_names, title_vocabulary)
        if settings and not (reading["cited"] or reading["not_own_row"]):
            own = True
        for j, header in columns:
            cell = _EPOCH_CELL.match(row[j].strip()) if j < len(row) else None
            if not cell or not 1 <= int(cell.group("num")) <= 10000:
                continue
            value = float(cell.group("num"))
            sentence_text = f"{table.caption[:200]} | {header}: {label} {row[j]}"
            start = len(sentence_text) - len(row[j])
            features = {"pattern": "table_column", "section": "table", "in_table": True, "own_row": own,
                        "cited": reading["cited"], "model_label": label, "column": header, "phase": phase,
                        "settings_table": settings}
            score = (0.7 if own else 0.2) - (0.4 if reading["cited"] else 0.0)
            out.append(Candidate(field="epochs", attrs={"epochs": value, "phase": phase}, value=value, unit="epochs",
                                 raw_text=row[j], confidence=cues.clamp(score),
                                 evidence=Evidence(table.page, sentence_text, start, len(sentence_text), "table"),
                                 extractor=OPERATIONS_VERSION, features=features))
    return out


# Two values in one cell: the grid merged a quantity column with its neighbour ("3.9M 312M" under
# "#Params" when the "#Mult-Adds" header was lost; "1x 2.5B" where a ratio column ran into FLOPs).
_PAIR_CELL = re.compile(r"^[~≈]?(?P<a>\d+(?:\.\d+)?)\s*(?P<sa>[KMGBT])?(?P<ra>[x×])?[*†‡§∗⋆]*\s+"
                        r"[~≈]?(?P<b>\d+(?:\.\d+)?)\s*(?P<sb>[KMGBT])?(?P<rb>[x×])?[*†‡§∗⋆]*$")


def _paired_cells(table: TableRegion, row: list[str], columns: dict, named: list[tuple], *,
                  madds_paper: bool) -> list[Candidate]:
    """An own row's cells that hold two numbers because the grid merged two columns. Under a params
    column the second number is the forward cost the header or caption names next; after a ratio
    ("1x 2.5B") a G/B/T-suffixed number is the forward cost when the table names one but no column
    of it was found. Numbers need their own scale letter."""
    if cues.ablated("ops_paired_cells"):
        return []
    forward = next((k for k in named if k[0] == "forward_flops"), None)
    if forward is None:
        return []
    has_forward_column = any(k[0] == "forward_flops" for k, _ in columns.values())
    label = row[0].strip()
    out = []
    for j, cell_text in enumerate(row[1:], start=1):
        pair = _PAIR_CELL.match(cell_text.strip())
        if not pair or pair.group("rb") or not pair.group("sb"):
            continue
        column = columns.get(j)
        values: list[tuple[str, float, str]] = []  # (field, value, kind)
        second = float(pair.group("b")) * SCALE_WORDS[pair.group("sb").lower()]
        if column and column[0][0] == "parameters" and not pair.group("ra"):
            multiplier = column[0][1]
            first = _scaled(pair.group("a"), pair.group("sa"), multiplier)
            if first is None:
                continue
            values = [("parameters", first, "parameters"), ("forward_flops", second, forward[2])]
        elif pair.group("ra") and not column and not has_forward_column and pair.group("sb") in "GBT":
            values = [("forward_flops", second, forward[2])]
        header = " ".join(r[j] for r in table.rows[:1] if j < len(r))
        for field, value, kind in values:
            low, high = (1e4, 1e13) if field == "parameters" else (1e5, 5e13)
            if not low <= value <= high:
                continue
            if field == "forward_flops" and kind == "flops" and madds_paper:
                kind = "multiadds"
            sentence_text = f"{table.caption[:200]} | {header}: {label} {cell_text}"
            start = len(sentence_text) - len(cell_text)
            features = {"pattern": "table_pair", "section": "table", "in_table": True, "own_row": True,
                        "cited": False, "model_label": label, "column": header, "kind": kind}
            out.append(_table_candidate(field, value, kind, cell_text, 0.7, table.page, sentence_text, start,
                                        len(sentence_text), features))
    return out


def _scaled(number: str, suffix: str | None, multiplier: float | None, exponent: str | None = None) -> float | None:
    """A table cell's value: its own power of ten or scale letter ("1.8×10^9", "118M"), else the
    column's scale (`multiplier`, "Params (M)"); None when neither says the unit."""
    value = float(number)
    if exponent:
        return value * 10.0 ** int(exponent)
    if suffix:
        return value * SCALE_WORDS[suffix.lower()]
    if multiplier:
        return value * multiplier
    return None
