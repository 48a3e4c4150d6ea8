"""Resume files: PDF or DOCX, recognised by their content, and the plain text inside them.

The file name and declared content type are ignored. A PDF must start with the
`%PDF-` magic, open in pypdf, not be encrypted and have a page; a DOCX must be
a zip holding `word/document.xml` that python-docx opens. Refusals raise
`webapp.uploads.UploadError` (its message is shown next to the file field).
Reading the text is bounded (pages, zip members and characters) and never
refuses a file that passed the checks: a scanned PDF simply yields no text.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

import docx
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from werkzeug.datastructures import FileStorage

from webapp.uploads import UploadError, read_limited

PDF, DOCX = "pdf", "docx"
MIME_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SUFFIXES = tuple(f".{kind}" for kind in MIME_TYPES)

MAX_PAGES = 10  # a resume longer than this is read only this far
MAX_CHARS = 60_000  # text kept for parsing
# A DOCX is a zip: bound what python-docx would inflate, so a small zip bomb costs nothing.
MAX_ZIP_MEMBERS = 500
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and Word files saved with a password
# What pypdf and python-docx raise on files they recognise but cannot read.
_BROKEN = (PyPdfError, LxmlError, zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError, IndexError,
           AttributeError, AssertionError, RecursionError, EOFError, NotImplementedError)
# PostgreSQL cannot store NUL; other controls (but tabs and line breaks) are noise from extraction.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NOT_A_RESUME = "This file is not a PDF or Word (.docx) document. Upload your resume in one of those formats."
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumeFile:
    kind: str  # PDF or DOCX
    data: bytes  # stored as uploaded
    text: str  # what parsing starts from; may be empty

    @property
    def suffix(self) -> str:
        return f".{self.kind}"


def read_resume(file: FileStorage | None, max_bytes: int) -> ResumeFile:
    """Check an uploaded resume by content and extract its text; UploadError when refused."""
    data = read_limited(file, max_bytes, what="a PDF or Word (.docx) file", noun="file")
    if data.startswith(b"%PDF-"):
        return ResumeFile(PDF, data, _pdf_text(data))
    if data.startswith(b"PK\x03\x04"):
        return ResumeFile(DOCX, data, _docx_text(data))
    if data.startswith(_OLE_MAGIC):
        raise UploadError(
            "This is an older Word (.doc) file or a password-protected document. "
            "Save it as .docx (without a password) or PDF and upload that.",
            "not_document",
        )
    raise UploadError(NOT_A_RESUME, "not_document")


def _pdf_text(data: bytes) -> str:
    damaged = UploadError("This PDF is damaged and cannot be read. Export it again and upload the new file.", "damaged")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadError(
                "This PDF is password-protected. Upload a copy saved without a password.", "encrypted"
            )
        pages = reader.pages
        if len(pages) == 0:
            raise damaged
        pages[0]  # noqa: B018 - resolves the page tree far enough to know it holds a page
    except UploadError:
        raise
    except _BROKEN as error:
        raise damaged from error
    parts: list[str] = []
    for index in range(min(len(pages), MAX_PAGES)):
        try:
            parts.append(pages[index].extract_text() or "")
        except _BROKEN:
            # One unreadable page (odd fonts, broken stream) costs its text, not the upload.
            log.info("resume PDF page %d: text not extractable", index + 1)
        if sum(map(len, parts)) >= MAX_CHARS:
            break
    return _clean("\n".join(parts))


def _docx_text(data: bytes) -> str:
    not_word = UploadError(
        "This zip file is not a Word (.docx) document. Upload your resume as PDF or .docx.", "not_document"
    )
    damaged = UploadError(
        "This Word document is damaged and cannot be read. Save it again and upload the new file.", "damaged"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "word/document.xml" not in {member.filename for member in members}:
                raise not_word
            if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
                raise damaged
        document = docx.Document(io.BytesIO(data))
    except UploadError:
        raise
    except _BROKEN as error:
        raise damaged from error
    lines: list[str] = []
    length = 0
    # Body paragraphs and tables in reading order (many resumes lay out sections in tables).
    for block in document.iter_inner_content():
        texts = [block.text] if isinstance(block, Paragraph) else _table_lines(block)
        lines.extend(texts)
        length += sum(map(len, texts))
        if length >= MAX_CHARS:
            break
    return _clean("\n".join(lines))


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        seen = []
        for cell in row.cells:
            # Merged cells repeat the same cell object across the row.
            if cell.text and cell.text not in seen:
                seen.append(cell.text)
        lines.extend(seen)
    return lines


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)[:MAX_CHARS]
