"""One synthetic training example: a random report, printed, laid out in a style, with noise, plus its
gold record and the character span of every printed value, label and piece of debris.

    >>> example = generate_example(random.Random(7), template="2021", style="glued")
    >>> sorted(example)
    ['gold', 'spans', 'style', 'text']

Spans index the final ``text`` (after all noise).  A value span covers the printed cell text, units
and dashes included ("25个", "－"), stray markers excluded; a cell left blank or not printed has no
span and a null gold value.  Everything follows from the ``rng``: the same seed gives the same example.
"""
from __future__ import annotations

import random

from nianbao.schema import get_template, load_schema
from training import noise
from training.content import CHINESE_NUMERALS, ReportContent, random_report
from training.styles import STYLES, Covered, Paragraph, Piece, PrintedReport, Table, TableCell

# Noise applied across styles, with the share of reports it hits.
STRAY_MARKER_SHARE = 0.15
ODD_SPACE_SHARE = 0.15
HALF_WIDTH_SHARE = 0.1
WIDE_DIGIT_SHARE = 0.04
TRADITIONAL_SHARE = 0.03
# Styles whose columns are aligned by spaces: an ideographic space there would break the alignment.
ALIGNED_STYLES = {"pdf_layout", "paged", "pandoc_plain", "ascii_box", "lynx_rows", "markdown", "traditional",
                  "office_pdf_text"}
# Share of reports printing a row group inside its first row's label cell
# ("三、本年度办理结果（一）予以公开" in one cell, as the hebei reports do).
MERGED_GROUP_SHARE = 0.15


def generate_example(rng: random.Random, template: str | None = None, style: str | None = None) -> dict:
    """``{"text", "gold", "spans", "style"}`` for one random report (see the module docstring)."""
    if style is None:
        style = rng.choice(sorted(STYLES))
    elif style not in STYLES:
        raise ValueError(f"unknown style {style!r}: expected one of {', '.join(sorted(STYLES))}")
    content = random_report(rng, template)
    printed = print_report(rng, content)
    text, spans = STYLES[style](printed, rng)
    text, swaps = _add_noise(rng, text, spans, style)
    spans.sort(key=lambda span: (span["start"], span["end"]))
    gold = content.gold()
    # meta holds the agency and title as the report prints them: in traditional characters or
    # full-width digits when the whole text is
    for name in ("agency", "title"):
        for swap in swaps:
            gold["meta"][name] = swap(gold["meta"][name]) if gold["meta"][name] else gold["meta"][name]
    return {"text": text, "gold": gold, "spans": spans, "style": style}


# Draws in a row a converter style may refuse before the generator gives up on it.
MAX_REFUSALS = 20


def draw_example(rng: random.Random, style: str, template: str | None = None) -> tuple[dict, int]:
    """``generate_example`` until a draw is not refused, and how many were.  A converter style refuses a
    report it cannot lay out with exact spans (ValueError: w3m broke a value over two lines, a PDF
    reader moved one); the draws after it come from the same ``rng``, so the result stays reproducible."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}: expected one of {', '.join(sorted(STYLES))}")
    for refused in range(MAX_REFUSALS):
        try:
            return generate_example(rng, template=template, style=style), refused
        except ValueError as error:
            last = error
    raise RuntimeError(f"style {style} refused {MAX_REFUSALS} draws in a row, last: {last}")


def _add_noise(rng: random.Random, text: str, spans: list[dict], style: str) -> tuple[str, list]:
    """Apply the cross-style noise; returns the text and the character swaps the whole text went through."""
    if rng.random() < STRAY_MARKER_SHARE:
        text = noise.add_stray_markers(rng, text, spans)
    if rng.random() < ODD_SPACE_SHARE:
        text = noise.odd_spaces(rng, text, aligned=style in ALIGNED_STYLES)
    swaps = []
    if rng.random() < HALF_WIDTH_SHARE:
        swaps.append(noise.half_width_brackets)
    if rng.random() < WIDE_DIGIT_SHARE:
        swaps.append(noise.widen_digits)
    if style != "traditional" and rng.random() < TRADITIONAL_SHARE:
        swaps.append(noise.to_traditional)
    for swap in swaps:
        text = swap(text)
    if style == "traditional":
        swaps.append(noise.to_traditional)  # the style itself printed the text in traditional characters
    return text, swaps


# --- printing a report -----------------------------------------------------------------------------


def print_report(rng: random.Random, content: ReportContent) -> PrintedReport:
    """The report as its author printed it: headings, prose and the three tables, values written the
    author's way (``noise.PrintHabits``)."""
    habits = noise.random_habits(rng)
    printer = _Printer(rng, content, habits)
    blocks: list[Paragraph | Table] = []
    if content.title:
        blocks.append(Paragraph([Piece(" " * rng.choice([0, 0, 8, 20]) + content.title)]))
    blocks.extend(Paragraph([Piece(text)]) for text in content.preface)
    # most reports number sections 一、二、…; a few use Arabic numbers (seed 000: "1、 总体情况")
    numbering = rng.choice(["{zh}、"] * 28 + ["{n}、 ", "{n}."])
    for index, section in enumerate(content.sections):
        number = numbering.format(zh=_chinese_number(index + 1), n=index + 1)
        blocks.append(Paragraph([Piece(number + section.heading, "section" if section.key else None, section.key)]))
        blocks.extend(Paragraph([Piece(text)]) for text in section.paragraphs)
        if section.key == "active":
            blocks.append(printer.active_table())
        elif section.key == "requests":
            blocks.append(printer.requests_table())
        elif section.key == "review" and content.review_table:
            blocks.append(printer.review_table())
    return PrintedReport(blocks, content.title or content.agency)


def _chinese_number(n: int) -> str:
    return CHINESE_NUMERALS[n - 1] if n <= 10 else "十" + CHINESE_NUMERALS[n - 11]


class _Printer:
    """Builds the three tables in the national template's Word structure (merged cells included)."""

    def __init__(self, rng: random.Random, content: ReportContent, habits: noise.PrintHabits):
        self.rng, self.content, self.habits = rng, content, habits
        self.schema = load_schema()
        self.template = get_template(content.template)
        self.specs = {spec.key: spec for spec in content.fields()}
        other = [name for name in self.schema["templates"] if name != content.template]
        self.own_markers = self.schema["templates"][content.template]["markers"]
        self.other_markers = [m for name in other for m in self.schema["templates"][name]["markers"]]

    # labels

    def column_label(self, column: str) -> str:
        """A printed header for ``column`` from the schema's label and variants, keeping to the ones the
        report's template uses (本年收费金额 is a 2021 header, 采购总金额 a 2019 one)."""
        entry = self.schema["columns"][column]
        choices = [entry["label"]] + entry["variants"]
        own = [c for c in choices if any(m in c for m in self.own_markers)]
        fitting = own or [c for c in choices if not any(m in c for m in self.other_markers)] or choices
        label = fitting[0] if self.rng.random() < 0.7 else self.rng.choice(fitting)
        if len(label) >= 6 and self.rng.random() < self.habits.header_breaks:
            cut = self.rng.randint(3, len(label) - 3)
            label = label[:cut] + "\n" + label[cut:]  # seed 000: "本年新\n制作数量"
        return label

    def row_label(self, row: str, group_label: str | None = None) -> str:
        entry = self.schema["rows"][row]
        variants = [v for v in entry["variants"] if not group_label or not v.startswith(group_label)]
        groups = [g["label"] for g in self.schema["row_groups"].values()]
        variants = [v for v in variants if not any(v.startswith(g) for g in groups)]
        if row == "normative" and self.content.template == "2021":
            variants = [v for v in variants if v.startswith("行政")] or variants  # 2021 prints 行政规范性文件
            return variants[0] if self.rng.random() < 0.8 else entry["label"]
        return entry["label"] if not variants or self.rng.random() < 0.85 else self.rng.choice(variants)

    def value_cell(self, key: str) -> TableCell | None:
        """The cell printing field ``key``; None when the author left it out of the row entirely."""
        printed = noise.print_value(self.rng, self.habits, self.specs[key], self.content.values[key])
        if printed is None:
            return None
        pieces = [Piece(printed, "value", key)] if printed else []
        if self.rng.random() < self.habits.pad_share:
            pieces = [Piece(" ")] + pieces if self.rng.random() < 0.5 else pieces + [Piece(" ")]
        return TableCell(pieces)

    def values_row(self, label_cells: list, keys: list[str], width: int | None = None) -> list:
        cells = [cell for key in keys if (cell := self.value_cell(key)) is not None]
        if width is not None and cells and len(keys) < width:
            cells[-1].colspan = width - len(keys) + 1
        return label_cells + cells

    # tables

    def active_table(self) -> Table:
        """Section 二: one block per 第二十条 item, each with its own header row (seeds 000–004)."""
        blocks = self.template.block_of_section("active")
        width = max(len(block.columns) for block in blocks)
        rows = []
        for block in blocks:
            rows.append([TableCell([Piece(block.label, "block", block.label)], colspan=width + 1)])
            headers = [TableCell([Piece(self.column_label(c), "column", c)]) for c in block.columns]
            headers[-1].colspan = width - len(block.columns) + 1
            rows.append([TableCell([Piece("信息内容")])] + headers)
            for row in block.rows:
                label = TableCell([Piece(self.row_label(row), "row", row)])
                keys = [self.template.field_key("active", row, c) for c in block.columns]
                rows.append(self.values_row([label], keys, width))
        return Table("active", rows)

    def requests_table(self) -> Table:
        """Section 三: three label columns (result group, sub-group, row) merged the template's way."""
        block = self.template.block_of_section("requests")[0]
        row_keys = self.content.fields()
        rows_in_order = list(dict.fromkeys(spec.row for spec in row_keys if spec.section == "requests"))
        columns = block.columns
        groups = self.schema["row_groups"]
        note = self.rng.choice(["勾稽关系", "勾稽关系", "逻辑关系"])
        table = [
            [TableCell([Piece(f"（本列数据的{note}为：第一项加第二项之和，等于第三项加第四项之和）")], colspan=3, rowspan=3),
             TableCell([Piece("申请人情况")], colspan=len(columns))],
            [Covered(3), self.header(columns[0], rowspan=2),
             TableCell([Piece(groups["applicant_orgs"]["label"], "block", groups["applicant_orgs"]["label"])],
                       colspan=len(columns) - 2),
             self.header(columns[-1], rowspan=2)],
            [Covered(3), Covered()] + [self.header(c) for c in columns[1:-1]] + [Covered()],
        ]
        results = rows_in_order[rows_in_order.index(self.schema["result_rows"]["first"]):
                                rows_in_order.index(self.schema["result_rows"]["last_before"]) + 1]
        merged = self.rng.random() < MERGED_GROUP_SHARE

        def sub_group(row: str) -> str | None:
            # rows denied_secret, unable_create ... belong to the row group named by their prefix
            prefix = row.split("_")[0]
            return prefix if "_" in row and prefix in groups else None

        for row in rows_in_order:
            keys = [self.template.field_key("requests", row, c) for c in columns]
            if row not in results:
                label = TableCell([Piece(self.row_label(row), "row", row)], colspan=3)
                table.append(self.values_row([label], keys))
                continue
            group = sub_group(row)
            first_of_results, first_of_group = row == results[0], group and row == next(
                r for r in results if sub_group(r) == group)
            group_pieces = []
            if merged and first_of_results:
                group_pieces.append(self.group_piece("results"))
            if merged and first_of_group:
                group_pieces.append(self.group_piece(group))
            row_piece = Piece(self.row_label(row, groups[group]["label"] if group else None), "row", row)
            if merged:
                table.append(self.values_row([TableCell(group_pieces + [row_piece], colspan=3)], keys))
                continue
            labels = [TableCell([self.group_piece("results")], rowspan=len(results))] if first_of_results else [Covered()]
            if group and first_of_group:
                size = sum(1 for r in results if sub_group(r) == group)
                labels += [TableCell([self.group_piece(group)], rowspan=size), TableCell([row_piece])]
            elif group:
                labels += [Covered(), TableCell([row_piece])]
            else:
                labels.append(TableCell([row_piece], colspan=2))
            table.append(self.values_row(labels, keys))
        return Table("requests", table)

    def group_piece(self, group: str) -> Piece:
        label = self.schema["row_groups"][group]["label"]
        return Piece(label, "block", label)

    def header(self, column: str, rowspan: int = 1) -> TableCell:
        return TableCell([Piece(self.column_label(column), "column", column)], rowspan=rowspan)

    def review_table(self) -> Table:
        """Section 四: 行政复议 and the two 行政诉讼 groups over one row of fifteen numbers (seed 000)."""
        block = self.template.block_of_section("review")[0]
        review, *suits = block.rows
        width = len(block.columns)
        suits_label = self.schema["row_groups"]["suits"]["label"]
        return Table("review", [
            [TableCell([Piece(self.row_label(review), "row", review)], colspan=width),
             TableCell([Piece(suits_label, "block", suits_label)], colspan=width * len(suits))],
            [self.header(c, rowspan=2) for c in block.columns]
            + [TableCell([Piece(self.row_label(s), "row", s)], colspan=width) for s in suits],
            [Covered() for _ in block.columns] + [self.header(c) for _ in suits for c in block.columns],
            self.values_row([], [self.template.field_key("review", r, c) for r in block.rows for c in block.columns]),
        ])
