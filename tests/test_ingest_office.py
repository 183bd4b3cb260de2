"""PDF and Word input (issue 15): ``wiretrace index``, ``wiretrace trace`` and the API's upload.

The fixture files are made here: PDFs with a text layer by fpdf2, a scanned-like PDF of one
picture, encrypted ones by pypdf, Word files by python-docx, and the bad files by hand. The
texts are the news articles of ``tests/data/news``, so that a trace has something to find.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import NEWS, read_news, read_report
from test_ingest_cli import run, summary_rows

from wiretrace.errors import Problem, RecordError, SizeLimitError
from wiretrace.ingest import Format, ReadOptions, Rejected, iter_entries, read_article
from wiretrace.ingest.base import Page
from wiretrace.ingest.pdf import pdf_to_document
from wiretrace.ingest.sniff import sniff
from wiretrace.ingest.word import docx_to_document
from wiretrace.model import Document

fpdf = pytest.importorskip("fpdf", reason="needs fpdf2 (the [dev] extra) to write PDFs")
docx = pytest.importorskip("docx", reason="needs python-docx")
pypdf = pytest.importorskip("pypdf", reason="needs pypdf")

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
WIRE = read_news()[0]  # meridian/fisheries-pact
CREATED = datetime(2022, 6, 14, 9, 30, tzinfo=UTC)


# -- fixture files ------------------------------------------------------------------------------


def make_pdf(
    text: str,
    *,
    title: str | None = "Fisheries pact signed",
    author: str | None = "Meridian Press office",
    created: datetime | None = CREATED,
    columns: int = 1,
) -> bytes:
    """A PDF with a text layer: ``text``'s paragraphs justified, with a page footer."""
    pdf = fpdf.FPDF()
    if FONT.exists():  # a Unicode font for curly quotes and dashes; else the core font
        pdf.add_font("body", "", str(FONT))
        pdf.set_font("body", size=11)
    else:
        pdf.set_font("helvetica", size=11)
        text = text.encode("latin-1", "replace").decode("latin-1")
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created:
        pdf.set_creation_date(created)
    pdf.set_lang("en-GB")
    pdf.add_page()
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if columns > 1:
        with pdf.text_columns(ncols=columns, text_align="J") as cols:
            for paragraph in paragraphs:
                cols.write(paragraph + "\n\n")
    else:
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, align="J")
            pdf.ln(3)
    return bytes(pdf.output())


def make_scanned_pdf() -> bytes:
    """A PDF whose page is a picture of text (as a scanner makes), with no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "Britain and Norway signed a fisheries pact", fill=0)
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypt(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(
    text: str, *, title: str | None = "Statement on the fisheries pact", table: bool = False
) -> bytes:
    document = docx.Document()
    document.core_properties.title = title or ""
    document.core_properties.author = "Ministry press office"
    document.core_properties.created = datetime(2022, 6, 15, 8, 0)
    document.core_properties.language = "en-GB"
    document.sections[0].header.paragraphs[0].text = "PRESS RELEASE - FOR IMMEDIATE USE"
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "Species", "Quota (tonnes)"
        grid.cell(1, 0).text, grid.cell(1, 1).text = "Cod", "40,000"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in files.items():
            package.writestr(name, content)
    return out.getvalue()


def words(text: str) -> list[str]:
    return text.replace("\n", " ").split()


# -- the readers --------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [1, 2])
def test_pdf_text_and_metadata(columns: int) -> None:
    page = pdf_to_document(make_pdf(WIRE["text"], columns=columns), "r.pdf", ReadOptions())
    assert isinstance(page, Page), page
    doc = page.document
    # every word, in order: justified lines are folded back to single spaces
    assert words(doc.text) == words(WIRE["text"])
    assert "  " not in doc.text
    assert doc.title == "Fisheries pact signed"
    assert doc.author == "Meridian Press office"
    assert doc.published_at == "2022-06-14T09:30:00+00:00"
    assert doc.language == "en-GB"
    assert page.warnings == ()


def test_docx_text_tables_and_metadata() -> None:
    page = docx_to_document(make_docx(WIRE["text"], table=True), "s.docx", ReadOptions())
    assert isinstance(page, Page), page
    doc = page.document
    lines = doc.text.split("\n")
    assert lines[: len(WIRE["text"].split("\n\n"))] == WIRE["text"].split("\n\n")
    assert lines[-2:] == ["Species\tQuota (tonnes)", "Cod\t40,000"]
    assert "PRESS RELEASE" not in doc.text  # the page header is not the article
    assert doc.title == "Statement on the fisheries pact"
    assert doc.author == "Ministry press office"
    assert doc.published_at is not None and doc.published_at.startswith("2022-06-15T08:00")
    assert doc.language == "en-GB"


def test_sniffing_without_an_extension() -> None:
    assert sniff(make_pdf("Some text.")) == Format.PDF
    assert sniff(make_docx("Some text.")[:8192]) == Format.DOCX


# -- bad files: a clear message each, naming the file --------------------------------------------


BAD_PDFS = {
    "scanned": (make_scanned_pdf, "no text layer", "OCR"),
    "encrypted": (lambda: encrypt(make_pdf(WIRE["text"]), "secret"), "encrypted PDF", "password"),
    "truncated": (lambda: make_pdf(WIRE["text"])[:700], "damaged PDF", "truncated"),
    "not a pdf": (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "damaged PDF", "not a PDF"),
    "empty": (lambda: b"", "empty", ""),
}
BAD_DOCX = {
    "zip of photos": (
        lambda: make_zip({"photos/harbour.jpg": b"\xff\xd8\xff\xe0", "notes.txt": b"x"}),
        "not a Word document",
        "'photos/harbour.jpg'",
    ),
    "spreadsheet": (
        lambda: make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
        "not a Word document",
        "without word/document.xml",
    ),
    "old .doc": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "Word 97-2003",
        "save it as .docx",
    ),
    "plain text": (lambda: b"just some text", "not a ZIP package", ""),
    "bad xml": (
        lambda: make_docx("Text.").replace(b"word/document.xml", b"word/documenX.xml"),
        "not a Word document",
        "",
    ),
    "empty document": (lambda: make_docx("", title=None), "empty text", ""),
}


@pytest.mark.parametrize("case", sorted(BAD_PDFS))
def test_bad_pdf_is_rejected_by_index_and_trace(case: str, tmp_path: Path) -> None:
    make, kind, detail = BAD_PDFS[case]
    path = tmp_path / "release.pdf"
    path.write_bytes(make())
    (entry,) = list(iter_entries([path], ReadOptions()))
    assert entry.format == Format.PDF
    assert not isinstance(entry.item, Document)
    assert entry.item.location == str(path)
    assert kind in entry.item.reason and detail in entry.item.reason, entry.item.reason
    with pytest.raises(RecordError) as raised:
        read_article(str(path), ReadOptions())
    assert str(raised.value).startswith(f"{path}: ") and kind in str(raised.value)


@pytest.mark.parametrize("case", sorted(BAD_DOCX))
def test_bad_docx_is_rejected_by_index_and_trace(case: str, tmp_path: Path) -> None:
    make, kind, detail = BAD_DOCX[case]
    path = tmp_path / "statement.docx"
    path.write_bytes(make())
    (entry,) = list(iter_entries([path], ReadOptions()))
    assert entry.format == Format.DOCX
    assert not isinstance(entry.item, Document)
    assert entry.item.location == str(path)
    assert kind in entry.item.reason and detail in entry.item.reason, entry.item.reason
    with pytest.raises(RecordError) as raised:
        read_article(str(path), ReadOptions())
    assert str(raised.value).startswith(f"{path}: ") and kind in str(raised.value)


def test_pdf_without_a_password_is_read_though_encrypted() -> None:
    page = pdf_to_document(encrypt(make_pdf(WIRE["text"]), ""), "r.pdf", ReadOptions())
    assert isinstance(page, Page) and words(page.document.text) == words(WIRE["text"])


def test_old_doc_without_extension_is_named_in_trace(tmp_path: Path) -> None:
    path = tmp_path / "statement"
    path.write_bytes(BAD_DOCX["old .doc"][0]())
    with pytest.raises(RecordError, match="Word 97-2003"):
        read_article(str(path), ReadOptions())


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_size_limit(suffix: str, tmp_path: Path) -> None:
    data = make_pdf(WIRE["text"]) if suffix == ".pdf" else make_docx(WIRE["text"])
    path = tmp_path / f"big{suffix}"
    path.write_bytes(data)
    small = ReadOptions(max_bytes=len(data) - 1, hints={"max_bytes": "raise --max-bytes"})
    (entry,) = list(iter_entries([path], small))
    assert isinstance(entry.item, Rejected) and entry.item.error is SizeLimitError
    assert f"{len(data):,} bytes" in entry.item.reason
    assert entry.item.reason.endswith("raise --max-bytes")
    with pytest.raises(SizeLimitError, match=f"{len(data):,} bytes"):
        read_article(str(path), small)
    extract = pdf_to_document if suffix == ".pdf" else docx_to_document
    assert isinstance(extract(data, "x", ReadOptions(max_bytes=len(data))), Page)
    # a file within the limit whose extracted text is over it (files compress text)
    long_text = "\n\n".join([WIRE["text"]] * 100)
    data = make_pdf(long_text) if suffix == ".pdf" else make_docx(long_text)
    limit = len(long_text.encode("utf-8")) * 3 // 4
    assert len(data) < limit
    found = extract(data, "x", ReadOptions(max_bytes=limit))
    assert isinstance(found, Problem) and found.code == "size_limit", found
    assert "bytes of UTF-8" in found.reason


def test_docx_bomb_is_refused_before_python_docx_reads_it() -> None:
    data = make_docx("Text.")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["word/media/huge.bin"] = b"\x00" * 40_000_000  # compresses to 40 kB
    bomb = make_zip(parts)
    assert len(bomb) < 100_000
    found = docx_to_document(bomb, "b.docx", ReadOptions(max_bytes=100_000))
    assert isinstance(found, Problem) and found.code == "size_limit"
    assert "unpacked" in found.reason


# -- the commands -------------------------------------------------------------------------------


def test_index_and_trace_pdf_and_docx(tmp_path: Path) -> None:
    inputs = tmp_path / "inbox"
    inputs.mkdir()
    (inputs / "fisheries-release.pdf").write_bytes(make_pdf(WIRE["text"]))
    (inputs / "statement.docx").write_bytes(make_docx(read_news()[1]["text"]))
    (inputs / "scan.pdf").write_bytes(make_scanned_pdf())
    db = tmp_path / "index.db"
    proc = run("index", "--db", str(db), str(inputs), "--skip-bad", "--quiet")
    rows = summary_rows(proc.stderr)
    assert rows["pdf"]["read"] == 2 and rows["pdf"]["added"] == 1 and rows["pdf"]["rejected"] == 1
    assert rows["docx"]["added"] == 1
    assert "no text layer" in proc.stderr
    rejects = [json.loads(line) for line in db.with_name("index.db.rejects.jsonl").open()]
    assert [r["location"] for r in rejects] == [str(inputs / "scan.pdf")]

    # a report that copies the wire story, sent as a Word file, finds the PDF as its source
    report = tmp_path / "gazette.docx"
    report.write_bytes(make_docx(read_report("harbour-gazette"), title="Harbour Gazette"))
    traced = json.loads(run("trace", "--db", str(db), str(report), "--json").stdout)
    assert traced["sources"][0]["id"] == "fisheries-release.pdf"
    assert traced["query"]["title"] == "Harbour Gazette"
    # offsets refer to the extracted text, as for HTML
    text = read_article(str(report), ReadOptions()).item
    assert isinstance(text, Document) and traced["query"]["length"] == len(text.text)
    edits = [e for p in traced["passages"] for e in p["edits"] if e["to"]]
    assert edits and all(text.text[e["query_start"] : e["query_end"]] == e["to"] for e in edits)

    # and a PDF of it traced against the JSONL corpus finds the wire story
    corpus_db = tmp_path / "corpus.db"
    run("index", "--db", str(corpus_db), str(NEWS / "corpus.jsonl"), "--quiet")
    pdf = tmp_path / "gazette.pdf"
    pdf.write_bytes(make_pdf(read_report("harbour-gazette"), title="Harbour Gazette"))
    traced = json.loads(run("trace", "--db", str(corpus_db), str(pdf), "--json").stdout)
    assert traced["sources"][0]["id"] == WIRE["id"]
    assert traced["query"]["published_at"] == "2022-06-14T09:30:00+00:00"


def test_index_stops_at_a_bad_word_file_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "statement.docx"
    bad.write_bytes(BAD_DOCX["zip of photos"][0]())
    proc = run("index", "--db", str(tmp_path / "x.db"), str(bad), "--workers", "2", check=False)
    assert proc.returncode != 0
    assert f"{bad}: not a Word document: a ZIP file without word/document.xml" in proc.stderr
    # the page workers are stopped with the run, not torn down at exit with an error
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_trace_bad_pdf_names_the_file(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    run("index", "--db", str(db), str(NEWS / "corpus.jsonl"), "--quiet")
    bad = tmp_path / "locked.pdf"
    bad.write_bytes(encrypt(make_pdf(WIRE["text"]), "secret"))
    proc = run("trace", "--db", str(db), str(bad), check=False)
    assert proc.returncode != 0
    assert f"{bad}: encrypted PDF" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- the HTTP API -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi", reason="needs the [serve] extra")
    from test_serve import start_server

    from wiretrace.index.sqlite import open_index
    from wiretrace.ingest.readers import iter_records

    folder = tmp_path_factory.mktemp("office-api")
    db = folder / "news.db"
    read = iter_records([NEWS / "corpus.jsonl"], ReadOptions())
    docs = [d for d in read if isinstance(d, Document)]
    with open_index(db) as index:
        index.add(docs)
    server = start_server(db, folder / "server.log")
    with server.client() as client:
        yield client
    server.stop()


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_api_traces_an_uploaded_pdf_or_docx(api, suffix: str) -> None:  # type: ignore[no-untyped-def]
    text = read_report("harbour-gazette")
    data = make_pdf(text, title="Gazette") if suffix == ".pdf" else make_docx(text, title="Gazette")
    files = {"file": (f"gazette{suffix}", data, "application/octet-stream")}
    response = api.post("/v1/trace", files=files, data={"source": "Harbour Gazette"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["sources"][0]["id"] == WIRE["id"]
    assert report["query"]["title"] == "Gazette"
    assert report["query"]["source"] == "Harbour Gazette"
    assert report["query"]["id"] == f"gazette{suffix}"


@pytest.mark.parametrize(
    ("name", "make", "words_"),
    [
        ("scan.pdf", make_scanned_pdf, "no text layer"),
        ("locked.pdf", lambda: encrypt(make_pdf(WIRE["text"]), "secret"), "encrypted PDF"),
        ("cut.pdf", lambda: make_pdf(WIRE["text"])[:700], "damaged PDF"),
        ("photos.docx", BAD_DOCX["zip of photos"][0], "not a Word document"),
    ],
)
def test_api_rejects_bad_office_files(api, name: str, make, words_: str) -> None:  # type: ignore[no-untyped-def]
    files = {"file": (name, make(), "application/octet-stream")}
    response = api.post("/v1/trace", files=files)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unreadable_document"
    assert error["message"].startswith(f"{name}: ") and words_ in error["message"]
