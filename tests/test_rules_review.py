"""Section 四 (行政复议、行政诉讼) as the template prints it (one row of 15) and as three labelled rows."""
from nianbao.text import normalise
from rules_fallback.mapping import cells_to_fields
from rules_fallback.parser import label_cells

HEADING = "四、政府信息公开行政复议、行政诉讼情况\n"
NEXT = "\n五、存在的主要问题及改进情况\n一是公开内容还不够全面。\n"
GROUPS = ("review", "suit_direct", "suit_after_review")
COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def review(text):
    doc = normalise("report.txt", HEADING + text + NEXT)
    labels = label_cells(doc)
    fields, warnings = cells_to_fields(doc, labels.variant, labels.cells)
    rows = [[fields[f"{group}.{column}"].value for column in COLUMNS] for group in GROUPS]
    return rows, [w for w in labels.warnings + warnings if "行政复议" in w or w.startswith(GROUPS)]


def test_one_row_of_fifteen_under_the_two_level_header():
    rows, warnings = review("行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉\n"
                            "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
                            "2\t1\t0\t1\t4\t1\t0\t0\t1\t2\t0\t0\t0\t0\t0\n")
    assert rows == [[2, 1, 0, 1, 4], [1, 0, 0, 1, 2], [0, 0, 0, 0, 0]] and warnings == []


def test_three_labelled_rows_aligned_with_spaces():
    rows, warnings = review("                        结果维持  结果纠正  其他结果  尚未审结  总计\n"
                            "行政复议                    3         1         0         0     4\n"
                            "行政诉讼  未经复议直接起诉    1         0         0         2     3\n"
                            "          复议后起诉          0         0         1         0     1\n")
    assert rows == [[3, 1, 0, 0, 4], [1, 0, 0, 2, 3], [0, 0, 1, 0, 1]] and warnings == []


def test_three_labelled_rows_in_a_markdown_table_with_a_dash():
    rows, warnings = review("| 类别 | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|---|---|\n"
                            "| 行政复议 | | 0 | 0 | 0 | 0 | 0 |\n"
                            "| 行政诉讼 | 未经复议直接起诉 | 0 | 1 | 0 | 0 | 1 |\n"
                            "| | 复议后起诉 | 0 | 0 | 0 | － | 0 |\n")
    assert rows == [[0, 0, 0, 0, 0], [0, 1, 0, 0, 1], [0, 0, 0, None, 0]] and warnings == []


def test_three_labelled_rows_one_cell_per_line():
    cells = "\n".join(f"\t{value}" for value in (5, 0, 1, 0, 6))
    rows, _ = review("\t结果维持\n\t结果纠正\n\t其他结果\n\t尚未审结\n\t总计\n行政复议\n" + cells +
                     "\n未经复议直接起诉\n\t0\n\t0\n\t0\n\t0\n\t0\n复议后起诉\n\t1\n\t0\n\t0\n\t0\n\t1\n")
    assert rows == [[5, 0, 1, 0, 6], [0, 0, 0, 0, 0], [1, 0, 0, 0, 1]]


def test_pandoc_rule_under_the_table_is_no_cells():
    # pandoc's plain tables end with a rule of dash runs, some two wide: "--" there is no empty cell.
    rows, warnings = review("  ---------- ---------- -- -- ----------\n"
                            "                        结果维持  结果纠正  其他结果  尚未审结  总计\n"
                            "  行政复议                  3         1         0         0     4\n"
                            "  行政诉讼  未经复议直接起诉  1       0         0         2     3\n"
                            "            复议后起诉        0       0         1         0     1\n"
                            "  ---------- ---------- -- -- ----------\n")
    assert rows == [[3, 1, 0, 0, 4], [1, 0, 0, 2, 3], [0, 0, 1, 0, 1]] and warnings == []
