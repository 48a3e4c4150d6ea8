"""What text a resume file yields, read as the upload's child process reads it (no database).

The uploads themselves, hostile files included, are tested through the page in test_resumes.py.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile

import docx
import pytest

from tests.test_resumes import slow_pdf
from webapp.resumes import documents, extraction
from webapp.uploads import UploadError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def docx_of(body: str, namespace: str = W) -> bytes:
    xml = f'<w:document xmlns:w="{namespace}" xmlns:mc="{MC}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def paragraph(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t>{text}</w:t></w:r>" for text in runs) + "</w:p>"


def cell(text: str, merge: str = "") -> str:
    return f"<w:tc><w:tcPr>{merge}</w:tcPr>{paragraph(text) if text else '<w:p/>'}</w:tc>"


def test_paragraphs_tables_and_text_boxes_come_out_in_reading_order():
    body = (
        paragraph("Ada ", "Lovelace")
        + '<w:p><w:hyperlink><w:r><w:t>github.com/ada</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>London</w:t></w:r></w:p>'
        + "<w:p><w:r><w:t>Experience</w:t><w:br/><w:t>Analyst</w:t></w:r></w:p>"
        # Tracked changes: deleted text is not the resume's text.
        + '<w:p><w:del><w:r><w:delText>Old job</w:delText></w:r></w:del><w:ins><w:r><w:t>New job</w:t></w:r></w:ins></w:p>'
        # A table: a cell merged across the row repeats; a vertically merged one is empty below.
        + "<w:tbl><w:tr>" + cell("Education") + cell("Education") + cell("BSc, London") + "</w:tr>"
        + "<w:tr>" + cell("", '<w:vMerge/>') + cell("PhD") + "<w:tc><w:tbl><w:tr>" + cell("nested") + "</w:tr></w:tbl><w:p/></w:tc>"
        + "</w:tr></w:tbl>"
        # A text box: Word writes it twice (DrawingML and a VML fallback); it is read once.
        + '<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent>' + paragraph("Sidebar")
        + "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>" + paragraph("Sidebar")
        + "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>After the box</w:t></w:r></w:p>"
    )
    text = extraction.extract("docx", docx_of(body))
    assert [line for line in text.splitlines() if line] == [
        "Ada Lovelace",
        "github.com/ada\tLondon",
        "Experience",
        "Analyst",
        "New job",
        "Education",
        "BSc, London",
        "PhD",
        "nested",
        "Sidebar",
        "After the box",
    ]


def test_strict_open_xml_documents_are_read_too():
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    assert extraction.extract("docx", docx_of(paragraph("Grace Hopper"), namespace=strict)) == "Grace Hopper"


def test_a_long_real_resume_is_far_inside_the_caps():
    document = docx.Document()
    for n in range(1500):  # ~25 pages of formatted lines: three runs each, bold and italic
        line = document.add_paragraph()
        line.add_run(f"{2000 + n % 25} - ").bold = True
        line.add_run("Engineer at ").italic = True
        line.add_run(f"Company {n}")
    out = io.BytesIO()
    document.save(out)
    started = time.monotonic()
    text = documents.extract_text(documents.DOCX, out.getvalue())  # the child process, as an upload runs it
    assert time.monotonic() - started < 5
    lines = text.splitlines()
    assert len(lines) == 1500 and lines[-1] == "2024 - Engineer at Company 1499"


def test_text_stops_at_the_character_cap():
    line = "x" * 1000
    text = extraction.extract("docx", docx_of(paragraph(line) * (extraction.MAX_CHARS // 1000 + 50)))
    assert len(text) == extraction.MAX_CHARS


def test_bytes_are_counted_as_they_are_inflated_whatever_the_zip_declares():
    # zipfile already stops at the declared size; the count is the cap that holds whatever the reader.
    xml = ("<w:document xmlns:w='%s'><w:body>" % W + "<w:p/>" * 2000 + "</w:body></w:document>").encode()
    with pytest.raises(extraction.Refused) as refused:
        extraction._document_lines(extraction._CountedReader(io.BytesIO(xml), limit=5000))
    assert refused.value.reason == extraction.TOO_COMPLEX
    assert len(extraction._document_lines(extraction._CountedReader(io.BytesIO(xml), limit=len(xml)))) == 2000


def test_a_file_that_needs_more_memory_than_the_child_may_use_is_refused(monkeypatch, caplog):
    # slow_pdf needs ~170 MB to parse; under a 64 MB cap the child runs out of memory first.
    monkeypatch.setattr(documents, "EXTRACT_MEMORY_BYTES", 64 * 1024 * 1024)
    with caplog.at_level(logging.INFO, logger=documents.log.name):
        with pytest.raises(UploadError, match="too large or too complex") as refused:
            documents.extract_text(documents.PDF, slow_pdf(pages=1))
    assert refused.value.reason == "too_complex"
    assert "out of memory" in caplog.text
