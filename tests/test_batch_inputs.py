"""INPUTs of ``nianbao parse``: files, folders, glob patterns and @lists; and the output name of each file."""
from __future__ import annotations

from pathlib import Path

from nianbao.inputs import expand_inputs, output_names


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("一、总体情况\n", encoding="utf-8")


def test_a_folder_gives_its_report_files_recursively_in_order(tmp_path):
    make(tmp_path, "b.txt", "a.pdf", "sub/c.docx", "sub/d.HTML", "sub/e.doc", "notes.md", ".hidden.txt",
         ".git/x.txt")
    found = expand_inputs([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["a.pdf", "b.txt", "sub/c.docx",
                                                                        "sub/d.HTML", "sub/e.doc"]
    assert found.errors == []


def test_a_file_named_explicitly_is_taken_whatever_its_suffix(tmp_path):
    make(tmp_path, "report.dat")
    assert expand_inputs([str(tmp_path / "report.dat")]).files == [tmp_path / "report.dat"]


def test_a_glob_pattern(tmp_path):
    make(tmp_path, "2020/a.txt", "2021/b.txt", "2021/c.pdf")
    found = expand_inputs([str(tmp_path / "**" / "*.txt")])
    assert [p.name for p in found.files] == ["a.txt", "b.txt"]


def test_a_list_names_inputs_relative_to_its_own_folder(tmp_path):
    make(tmp_path, "reports/a.txt", "reports/more/b.txt")
    (tmp_path / "list.txt").write_text("# reports for 2020\nreports/a.txt\n\nreports/more\nreports/absent.txt\n",
                                       encoding="utf-8")
    found = expand_inputs([f"@{tmp_path / 'list.txt'}"])
    assert [p.name for p in found.files] == ["a.txt", "b.txt"]
    assert found.errors == [(str(tmp_path / "reports" / "absent.txt"), "no such file or folder")]


def test_inputs_that_name_nothing_are_errors_and_the_rest_go_on(tmp_path):
    make(tmp_path, "a.txt", "empty/readme.md")
    found = expand_inputs([str(tmp_path / "absent.txt"), str(tmp_path / "a.txt"), str(tmp_path / "*.pdf"),
                           str(tmp_path / "empty"), f"@{tmp_path / 'no-list.txt'}"])
    assert found.files == [tmp_path / "a.txt"]
    assert [reason for _, reason in found.errors] == [
        "no such file or folder",
        "no file matches the pattern",
        "no report files (.txt, .html, .htm, .docx, .pdf, .doc, .wps) in the folder",
        "cannot read the list: No such file or directory",
    ]


def test_a_file_named_twice_is_parsed_once(tmp_path):
    make(tmp_path, "a.txt")
    found = expand_inputs([str(tmp_path / "a.txt"), str(tmp_path), str(tmp_path / "*.txt")])
    assert found.files == [tmp_path / "a.txt"]


def test_output_names_are_stems(tmp_path):
    assert output_names([tmp_path / "2020年报.txt", tmp_path / "x" / "b.pdf"]) == (["2020年报", "b"], [])


def test_colliding_stems_are_named_by_their_paths_whatever_the_order(tmp_path):
    files = [tmp_path / "2020" / "report.pdf", tmp_path / "2021" / "report.pdf", tmp_path / "2021" / "report.txt",
             tmp_path / "other.txt"]
    names, notes = output_names(files)
    assert names == ["2020__report_pdf", "2021__report_pdf", "2021__report_txt", "other"]
    assert len(notes) == 1 and notes[0].startswith("3 files share the name 'report'")
    reversed_names, _ = output_names(files[::-1])
    assert reversed_names == names[::-1]
