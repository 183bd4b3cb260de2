"""Tests for the input readers: every bad input is a Rejected that names its place and cause."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import sys
from pathlib import Path

import pytest

from wiretrace.cli._shared import CLI_HINTS
from wiretrace.errors import EncodingError, InputError, Problem, RecordError, SizeLimitError
from wiretrace.ingest import (
    ReadOptions,
    Rejected,
    iter_records,
    line_limit,
    read_document,
    write_rejects,
)
from wiretrace.ingest.base import HINT_MAX_BYTES
from wiretrace.ingest.records import record_to_document
from wiretrace.model import Document

OPTIONS = ReadOptions()
BOM = b"\xef\xbb\xbf"


def _line(**fields: object) -> str:
    return json.dumps(fields)


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _read(*paths: Path, options: ReadOptions = OPTIONS) -> list[Document | Rejected]:
    return list(iter_records(list(paths), options))


def _only_rejected(items: list[Document | Rejected]) -> Rejected:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, Rejected), item
    return item


def _docs(items: list[Document | Rejected]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def _rejects(items: list[Document | Rejected]) -> list[Rejected]:
    return [item for item in items if isinstance(item, Rejected)]


# --- options and the Rejected value ---------------------------------------------------------


def test_read_options_default_is_ten_megabytes() -> None:
    assert ReadOptions().max_bytes == 10 * 1024 * 1024


def test_read_options_rejects_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        ReadOptions(max_bytes=0)


def test_rejected_as_error_builds_the_named_subclass() -> None:
    error = Rejected("a.jsonl:3", "text is too large", None, SizeLimitError).as_error()
    assert isinstance(error, SizeLimitError)
    assert error.location == "a.jsonl:3"
    assert error.reason == "text is too large"
    assert isinstance(Rejected("a.txt", "x").as_error(), InputError)


def test_input_errors_carry_a_problem_with_a_stable_code() -> None:
    error = SizeLimitError("a.txt", "text is too large", hint="raise the limit with --max-bytes")
    assert error.code == "size_limit"
    assert error.problem == Problem(
        "size_limit", "text is too large", "a.txt", "raise the limit with --max-bytes"
    )
    assert error.reason == "text is too large; raise the limit with --max-bytes"
    assert str(error) == f"a.txt: {error.reason}"
    assert [cls("x", "y").code for cls in (InputError, EncodingError, RecordError)] == [
        "input",
        "encoding",
        "record",
    ]
    copy = pickle.loads(pickle.dumps(error))  # errors cross process boundaries
    assert type(copy) is SizeLimitError and copy.problem == error.problem
    empty = Problem("empty_text", "empty text").at("a.jsonl:2").as_error()
    assert type(empty) is RecordError and empty.code == "empty_text"
    assert empty.location == "a.jsonl:2"


def test_record_problems_take_their_hint_from_the_caller() -> None:
    plain = record_to_document({"id": "a", "text": "x" * 11}, ReadOptions(max_bytes=10))
    assert isinstance(plain, Problem) and plain.code == "size_limit"
    assert plain.hint == "" and plain.reason == plain.message  # the library gives no advice
    advised = ReadOptions(max_bytes=10, hints={HINT_MAX_BYTES: "send less"})
    too_big = record_to_document({"id": "a", "text": "x" * 11}, advised)
    assert isinstance(too_big, Problem) and too_big.message == plain.message
    assert too_big.hint == "send less" and too_big.reason.endswith("; send less")
    cli = record_to_document({"id": "a", "text": "x" * 11}, ReadOptions(10, hints=CLI_HINTS))
    assert isinstance(cli, Problem) and "--max-bytes" in cli.hint
    with pytest.raises(ValueError, match="unknown hint key"):
        ReadOptions(hints={"max-bytes": "typo"})
    empty = record_to_document({"id": "a", "text": " "}, OPTIONS)
    assert isinstance(empty, Problem) and empty.code == "empty_text"
    assert empty.error is RecordError


# --- JSONL: good records -----------------------------------------------------------------------


def test_jsonl_reads_all_fields_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    full = _line(
        id="ap-1",
        text="Preparations underway for Kim-Putin summit.",
        title="Summit",
        url="https://example.org/1",
        source="AP",
        published_at="2019-04-23T08:15:00Z",
        language="en",
        extra="ignored",
    )
    path.write_text(full + "\n\n   \n" + _line(id=7, text="Second.") + "\n", encoding="utf-8")
    assert _read(path) == [
        Document(
            id="ap-1",
            text="Preparations underway for Kim-Putin summit.",
            title="Summit",
            url="https://example.org/1",
            source="AP",
            published_at="2019-04-23T08:15:00Z",
            language="en",
        ),
        Document(id="7", text="Second."),
    ]


def test_jsonl_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_line(id="a", text="one") + "\n" + _line(id="b", text="two"), "utf-8")
    assert [d.id for d in _docs(_read(path))] == ["a", "b"]


def test_jsonl_empty_metadata_strings_read_as_none(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "a.jsonl", [_line(id="a", text="t", title="", published_at="", url=None)]
    )
    assert _read(path) == [Document(id="a", text="t")]


@pytest.mark.parametrize(
    "value",
    ["2019-04-23", "2019-04-23T08:15:00", "2019-04-23T08:15:00+02:00", "2019-04-23T08:15:00.5"],
)
def test_jsonl_accepts_iso_8601_dates(tmp_path: Path, value: str) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text="t", published_at=value)])
    (doc,) = _docs(_read(path))
    assert doc.published_at == value


def test_jsonl_keeps_crlf_inside_text(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(_line(id="a", text="one\r\ntwo").encode() + b"\r\n")
    assert _read(path) == [Document(id="a", text="one\r\ntwo")]


def test_jsonl_with_bom_reads_first_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(BOM + _line(id="a", text="first").encode() + b"\n")
    assert _read(path) == [Document(id="a", text="first")]


# --- JSONL: bad records ------------------------------------------------------------------------


def test_jsonl_not_json_names_line_and_json_error(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text="ok"), '{"id": "b", "text": '])
    items = _read(path)
    assert [d.id for d in _docs(items)] == ["a"]
    (rejected,) = _rejects(items)
    assert rejected.location == f"{path}:2"
    assert "not valid JSON" in rejected.reason
    assert "column" in rejected.reason
    assert rejected.raw == '{"id": "b", "text": '
    assert rejected.error is RecordError


@pytest.mark.parametrize(
    ("line", "kind"), [("[1, 2]", "an array"), ('"text"', "a string"), ("42", "a number")]
)
def test_jsonl_not_an_object(tmp_path: Path, line: str, kind: str) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [line])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "expected a JSON object" in rejected.reason
    assert kind in rejected.reason


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"text": "t"}, "missing 'id'"),
        ({"id": "a"}, "missing 'text'"),
        ({"title": "x"}, "missing 'id' and 'text'"),
        ({"id": None, "text": "t"}, "missing 'id' ('id' is null)"),
        ({"id": None, "text": None}, "missing 'id' and 'text' ('id' and 'text' are null)"),
    ],
)
def test_jsonl_missing_id_or_text_says_which(
    tmp_path: Path, record: dict[str, object], expected: str
) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [json.dumps(record)])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert rejected.reason == expected
    assert rejected.error is RecordError


@pytest.mark.parametrize(
    ("value", "kind"), [(1.5, "a number (1.5)"), (True, "a boolean"), (["a"], "an array")]
)
def test_jsonl_id_must_be_string_or_integer(tmp_path: Path, value: object, kind: str) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [json.dumps({"id": value, "text": "t"})])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "'id' must be a string or an integer" in rejected.reason
    assert kind in rejected.reason


def test_jsonl_integer_too_long_to_convert_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": ' + "9" * 5000 + ', "text": "t"}\n', encoding="utf-8")
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "not valid JSON" in rejected.reason


def test_jsonl_empty_id_is_rejected(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="  ", text="t")])
    assert _only_rejected(_read(path)).reason == "'id' is empty"


def test_jsonl_text_must_be_a_string(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text=["t"])])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "'text' must be a string" in rejected.reason


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_jsonl_empty_text_is_rejected(tmp_path: Path, text: str) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text=text)])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "empty text" in rejected.reason
    assert rejected.error is RecordError


def test_jsonl_metadata_must_be_string_or_null(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text="t", source=3)])
    rejected = _only_rejected(_read(path))
    assert "'source' must be a string or null" in rejected.reason


def test_jsonl_bad_published_at_rejects_the_record(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "a.jsonl", [_line(id="a", text="t", published_at="23 April 2019")]
    )
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "'published_at' is not an ISO 8601" in rejected.reason
    assert "'23 April 2019'" in rejected.reason


def test_jsonl_text_over_limit_names_size_limit_and_flag(tmp_path: Path) -> None:
    options = ReadOptions(max_bytes=10, hints=CLI_HINTS)
    path = _write_jsonl(
        tmp_path / "a.jsonl",
        [_line(id="fits", text="é" * 5), _line(id="big", text="é" * 6)],  # 10 and 12 bytes
    )
    items = _read(path, options=options)
    assert [d.id for d in _docs(items)] == ["fits"]
    (rejected,) = _rejects(items)
    assert rejected.location == f"{path}:2"
    assert "12 bytes" in rejected.reason
    assert "limit of 10 bytes" in rejected.reason
    assert "--max-bytes" in rejected.reason
    assert rejected.error is SizeLimitError
    assert rejected.raw is None


def test_jsonl_overlong_line_is_skipped_and_counted(tmp_path: Path) -> None:
    options = ReadOptions(max_bytes=1, hints=CLI_HINTS)
    limit = line_limit(options)
    path = tmp_path / "a.jsonl"
    long_line = _line(id="big", text="x" * (limit + 10))
    _write_jsonl(path, [long_line, _line(id="after", text="y")])
    items = _read(path, options=options)
    assert [d.id for d in _docs(items)] == ["after"]
    (rejected,) = _rejects(items)
    assert rejected.location == f"{path}:1"
    assert f"{len(long_line) + 1:,} bytes" in rejected.reason
    assert "--max-bytes" in rejected.reason


def test_jsonl_not_utf8_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    data = (
        _line(id="a", text="ok").encode()
        + b"\n\n"
        + '{"id": "b", "text": "café"}'.encode("latin-1")
        + b"\n"
        + _line(id="c", text="ok").encode()
        + b"\n"
    )
    path.write_bytes(data)
    items = _read(path)
    assert [d.id for d in _docs(items)] == ["a", "c"]
    (rejected,) = _rejects(items)
    assert rejected.location == f"{path}:3"
    assert "not valid UTF-8" in rejected.reason
    assert "0xe9" in rejected.reason
    offset = data.index(b"\xe9")
    assert f"byte offset {offset} of the file" in rejected.reason
    assert rejected.raw == '{"id": "b", "text": "caf\\xe9"}'
    assert rejected.error is EncodingError


def test_jsonl_byte_offset_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    data = BOM + b'{"id": "a", "text": "\xff"}\n'
    path.write_bytes(data)
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    offset = data.index(b"\xff")
    assert f"byte offset {offset} of the file" in rejected.reason


def test_jsonl_unpaired_surrogate_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "text": "bad \\ud800 text"}\n', encoding="utf-8")
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "'text' holds an unpaired surrogate" in rejected.reason
    assert rejected.error is EncodingError


def test_mixed_file_rejects_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    lines = [
        _line(id="g1", text="good one"),
        "not json",
        _line(id="g2", text="good two"),
        "[]",
        _line(text="no id"),
        "",
        _line(id="g3", text="good three", published_at="2019-04-23"),
        _line(id="x", text="   "),
        _line(id="y", text="t", published_at="yesterday"),
        _line(id=4, text="good four"),
    ]
    path = _write_jsonl(tmp_path / "mix.jsonl", lines)
    items = _read(path)
    docs, rejects = _docs(items), _rejects(items)
    assert [d.id for d in docs] == ["g1", "g2", "g3", "4"]
    assert [r.location for r in rejects] == [f"{path}:{n}" for n in (2, 4, 5, 8, 9)]
    non_blank = sum(1 for line in lines if line.strip())
    assert len(docs) + len(rejects) == non_blank


# --- gzip --------------------------------------------------------------------------------------


def test_gzip_jsonl_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress((_line(id="a", text="zipped") + "\n").encode()))
    assert _read(path) == [Document(id="a", text="zipped")]


def test_truncated_gzip_gives_good_lines_then_a_rejection(tmp_path: Path) -> None:
    lines = [_line(id=f"d{i}", text=f"document {i} {i * 2654435761:x}") for i in range(3000)]
    data = gzip.compress("".join(line + "\n" for line in lines).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = _read(path)
    docs = _docs(items)
    assert 0 < len(docs) < len(lines)
    assert [d.id for d in docs] == [f"d{i}" for i in range(len(docs))]
    assert items[-1] == _rejects(items)[0]
    rejected = items[-1]
    assert isinstance(rejected, Rejected)
    assert rejected.location == f"{path}:{len(docs) + 1}"
    assert "truncated" in rejected.reason
    assert f"{len(docs):,} lines were read" in rejected.reason


def test_file_that_is_not_gzip_is_rejected_at_line_one(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    _write_jsonl(path, [_line(id="a", text="t")])
    rejected = _only_rejected(_read(path))
    assert rejected.location == f"{path}:1"
    assert "not gzip" in rejected.reason


# --- text files --------------------------------------------------------------------------------


def test_txt_file_id_is_its_name(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "story.txt"
    path.parent.mkdir()
    path.write_bytes(b"Line one.\r\nLine two.\n")
    assert _read(path) == [Document(id="story.txt", text="Line one.\r\nLine two.\n")]


def test_txt_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(BOM + "Précis.".encode())
    assert _read(path) == [Document(id="bom.txt", text="Précis.")]


def test_txt_not_utf8_names_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"first line\nsecond caf\xe9\n")
    rejected = _only_rejected(_read(path))
    assert rejected.location == str(path)
    assert "not valid UTF-8" in rejected.reason
    assert "byte offset 21 (line 2)" in rejected.reason
    assert rejected.error is EncodingError


def test_txt_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    rejected = _only_rejected(_read(path))
    assert rejected.location == str(path)
    assert "binary file" in rejected.reason
    assert "NUL byte at byte offset 8" in rejected.reason


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n"])
def test_txt_empty_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    rejected = _only_rejected(_read(path))
    assert rejected.location == str(path)
    assert "empty text" in rejected.reason
    assert rejected.error is RecordError


def test_txt_over_limit_names_size_limit_and_flag(tmp_path: Path) -> None:
    fits, big = tmp_path / "fits.txt", tmp_path / "big.txt"
    fits.write_bytes(BOM + b"x" * 100)
    big.write_bytes(b"x" * 250)
    items = _read(fits, big, options=ReadOptions(max_bytes=100, hints=CLI_HINTS))
    assert items[0] == Document(id="fits.txt", text="x" * 100)
    rejected = items[1]
    assert isinstance(rejected, Rejected)
    assert rejected.location == str(big)
    assert "250 bytes" in rejected.reason
    assert "limit of 100 bytes" in rejected.reason
    assert "--max-bytes" in rejected.reason
    assert rejected.error is SizeLimitError


# --- inputs and folders ------------------------------------------------------------------------


def test_missing_input_raises_at_once_naming_it(tmp_path: Path) -> None:
    good = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a", text="t")])
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError) as caught:
        iter_records([good, missing], OPTIONS)  # raises before any iteration
    assert caught.value.location == str(missing)
    assert str(missing) in str(caught.value)


def test_inputs_are_read_in_the_order_given(tmp_path: Path) -> None:
    b = tmp_path / "b.txt"
    b.write_text("bee", "utf-8")
    a = _write_jsonl(tmp_path / "a.jsonl", [_line(id="a1", text="t"), _line(id="a2", text="t")])
    assert [d.id for d in _docs(_read(b, a, b))] == ["b.txt", "a1", "a2", "b.txt"]


def test_explicit_unsupported_file_is_rejected(tmp_path: Path) -> None:
    # CSV is read since issue 4; a spreadsheet's notes in Markdown still are not.
    path = tmp_path / "export.md"
    path.write_text("id,text\n", "utf-8")
    rejected = _only_rejected(_read(path))
    assert rejected.location == str(path)
    assert "unsupported file type '.md'" in rejected.reason


def _make_tree(root: Path) -> None:
    files = {
        "b.txt": "bee",
        "a/z.txt": "zed",
        "a/b/deep.TXT": "deep",
        "a.txt": "ay",
        "Z.txt": "upper zed",
        "feed.jsonl": _line(id="j1", text="from jsonl") + "\n",
        ".hidden.txt": "hidden",
        ".git/config.txt": "hidden folder",
        "notes.md": "not supported",
        "a/old.txt.gz": "not supported",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
    (root / "zipped.jsonl.gz").write_bytes(
        gzip.compress((_line(id="g1", text="from gzip") + "\n").encode())
    )


def test_folder_walk_is_sorted_with_relative_ids(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _make_tree(root)
    items = _read(root)
    assert [item.id if isinstance(item, Document) else item.location for item in items] == [
        "Z.txt",
        "a/b/deep.TXT",
        str(root / "a" / "old.txt.gz"),
        "a/z.txt",
        "a.txt",
        "b.txt",
        "j1",
        str(root / "notes.md"),
        "g1",
    ]
    rejects = _rejects(items)
    assert "unsupported file type '.txt.gz'" in rejects[0].reason
    assert "unsupported file type '.md'" in rejects[1].reason
    assert all(d.title is None for d in _docs(items))
    assert _read(root) == items  # deterministic


def test_folder_file_errors_name_the_full_path(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "bad.txt").write_bytes(b"\xff")
    rejected = _only_rejected(_read(root))
    assert rejected.location == str(root / "sub" / "bad.txt")


def test_folder_symlink_to_folder_is_rejected_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("ay", "utf-8")
    (root / "loop").symlink_to(root, target_is_directory=True)
    items = _read(root)
    assert items[0] == Document(id="a.txt", text="ay")
    rejected = items[1]
    assert isinstance(rejected, Rejected)
    assert rejected.location == str(root / "loop")
    assert "symbolic link to a folder" in rejected.reason


# --- read_document -----------------------------------------------------------------------------


def test_read_document_reads_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(BOM + b"Seoul (AP) -- text.\n")
    assert read_document(str(path), OPTIONS) == Document(
        id="article.txt", text="Seoul (AP) -- text.\n"
    )


def test_read_document_not_utf8_raises_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"caf\xe9")
    with pytest.raises(EncodingError) as caught:
        read_document(str(path), OPTIONS)
    assert caught.value.location == str(path)
    assert str(path) in str(caught.value)
    assert "byte offset 3" in caught.value.reason


def test_read_document_binary_raises_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "bin.txt"
    path.write_bytes(b"ab\x00cd")
    with pytest.raises(EncodingError, match="NUL byte"):
        read_document(str(path), OPTIONS)


def test_read_document_empty_raises_record_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n", "utf-8")
    with pytest.raises(RecordError) as caught:
        read_document(str(path), OPTIONS)
    assert caught.value.location == str(path)
    assert "empty text" in caught.value.reason


def test_read_document_too_large_raises_size_limit_error(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 51, "utf-8")
    with pytest.raises(SizeLimitError) as caught:
        read_document(str(path), ReadOptions(max_bytes=50, hints=CLI_HINTS))
    assert caught.value.location == str(path)
    assert "51 bytes" in caught.value.reason
    assert "--max-bytes" in caught.value.reason


def test_read_document_missing_file_or_folder_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(str(tmp_path / "nope.txt"), OPTIONS)
    with pytest.raises(InputError, match="is a folder"):
        read_document(str(tmp_path), OPTIONS)


def test_read_document_from_text_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Pasted article.\n"))
    assert read_document("-", OPTIONS) == Document(id="stdin", text="Pasted article.\n")


def test_read_document_from_binary_stdin_with_bom(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(BOM + "Déjà vu.".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert read_document("-", OPTIONS) == Document(id="stdin", text="Déjà vu.")


def test_read_document_stdin_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"caf\xe9"), encoding="utf-8"))
    with pytest.raises(EncodingError) as caught:
        read_document("-", OPTIONS)
    assert caught.value.location == "<stdin>"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(RecordError, match="<stdin>"):
        read_document("-", OPTIONS)
    monkeypatch.setattr(sys, "stdin", io.StringIO("x" * 20))
    with pytest.raises(SizeLimitError, match="more than 10 bytes") as too_big:
        read_document("-", ReadOptions(max_bytes=10, hints=CLI_HINTS))
    assert "--max-bytes" in too_big.value.reason


# --- write_rejects -----------------------------------------------------------------------------


def test_write_rejects_writes_location_and_reason(tmp_path: Path) -> None:
    source = _write_jsonl(tmp_path / "a.jsonl", ["oops", _line(id="a", text="t"), "[]"])
    out = tmp_path / "rejects.jsonl"
    count = write_rejects(_rejects(_read(source)), out)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert count == 2
    assert [sorted(row) for row in rows] == [["location", "reason"]] * 2
    assert [row["location"] for row in rows] == [f"{source}:1", f"{source}:3"]
    assert "not valid JSON" in rows[0]["reason"]
