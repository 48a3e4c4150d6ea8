"""The text inside a resume file, read by a child process under hard limits.

A small upload can unpack into a lot of work: a 94 KB DOCX may hold 39 MiB of
XML, and one PDF page of 5 KB can take pypdf ten seconds to read. So the text is
never read in the web worker. `documents.py` starts this file as a script
(`python -P extraction.py KIND CPU_SECONDS MEMORY_BYTES`), writes the file to its
stdin and kills it after a wall-clock time; here the process first caps its own
memory and CPU time, then reads. A DOCX is streamed (its `word/document.xml` is
never held whole) and refused past caps on bytes actually inflated, XML elements
and paragraphs; a PDF is read only MAX_PAGES far. The answer is one JSON object
on stdout: `{"text": ...}` or `{"refused": REASON}`.

It imports only the standard library, lxml and pypdf (nothing of the app), so the
child starts in a fraction of a second.
"""

from __future__ import annotations

import io
import json
import re
import resource
import sys
import zipfile

from lxml import etree

# Refusal reasons; documents.py words them for the candidate.
DAMAGED = "damaged"
ENCRYPTED = "encrypted"
NOT_WORD = "not_word"
TOO_COMPLEX = "too_complex"

MAX_CHARS = 60_000  # text kept for parsing (a long resume has ~20,000 characters)
MAX_PAGES = 10  # a PDF longer than this is read only this far
# DOCX caps, far above what a real resume needs (a 3-page resume's document.xml is ~100 KB,
# ~10,000 elements and a few hundred paragraphs) and far below what hurts.
MAX_ZIP_MEMBERS = 500
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # all members together, as the zip declares them
MAX_DOCUMENT_XML_BYTES = 10 * 1024 * 1024  # word/document.xml, counted as it is inflated
MAX_XML_ELEMENTS = 300_000
MAX_PARAGRAPHS = 10_000

DOCUMENT_XML = "word/document.xml"
# What lxml may do while reading: no DTDs, no entities, no network, libxml2's default
# limits on depth (256) and text size (huge_tree off).
_SAFE_XML = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}
# mc:Fallback repeats its mc:Choice sibling's content (a text box, for old readers).
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# PostgreSQL cannot store NUL, nor UTF-8 encode a lone surrogate (pypdf may decode one from a broken
# font); other controls (but tabs and line breaks) are noise from extraction.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class Refused(Exception):
    """The file cannot be read; `reason` is one of the constants above."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason


def extract(kind: str, data: bytes) -> str:
    """The text of a PDF or DOCX (possibly empty); Refused when it cannot be read within the caps."""
    text = _pdf_text(data) if kind == "pdf" else _docx_text(data)
    return _CONTROL.sub("", text)[:MAX_CHARS]


# --- PDF -----------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # only PDFs pay for importing pypdf
    from pypdf.errors import PyPdfError

    # What pypdf raises on files it recognises but cannot read.
    broken = (PyPdfError, OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
              AssertionError, RecursionError, EOFError, NotImplementedError, zipfile.BadZipFile)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Refused(ENCRYPTED)
        pages = reader.pages
        if len(pages) == 0:
            raise Refused(DAMAGED, "no pages")
        pages[0]  # noqa: B018 - resolves the page tree far enough to know it holds a page
    except broken as error:
        raise Refused(DAMAGED, repr(error)) from error
    parts: list[str] = []
    for index in range(min(len(pages), MAX_PAGES)):
        try:
            parts.append(pages[index].extract_text() or "")
        except broken:
            # One unreadable page (odd fonts, broken stream) costs its text, not the upload.
            parts.append("")
        if sum(map(len, parts)) >= MAX_CHARS:
            break
    return "\n".join(parts)


# --- DOCX ----------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise Refused(TOO_COMPLEX, f"{len(members)} zip members")
        document = next((member for member in members if member.filename == DOCUMENT_XML), None)
        if document is None:
            raise Refused(NOT_WORD)
        if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
            raise Refused(TOO_COMPLEX, "zip declares too many bytes")
        if document.file_size > MAX_DOCUMENT_XML_BYTES:
            raise Refused(TOO_COMPLEX, f"{DOCUMENT_XML} declares {document.file_size} bytes")
        with archive.open(document) as stream:
            return "\n".join(_document_lines(_CountedReader(stream, MAX_DOCUMENT_XML_BYTES)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, etree.LxmlError, OSError, EOFError,
            NotImplementedError, RuntimeError, ValueError) as error:
        # RuntimeError: a zip member that needs a password; NotImplementedError: an unknown compression.
        raise Refused(DAMAGED, repr(error)) from error


class _CountedReader:
    """A file-like view of a zip member that refuses past `limit` bytes actually inflated.

    zipfile trusts the sizes the archive declares; counting what really comes out does not.
    """

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = self._left = limit

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(min(size, self._left + 1) if size >= 0 else self._left + 1)
        self._left -= len(chunk)
        if self._left < 0:
            raise Refused(TOO_COMPLEX, f"{DOCUMENT_XML} inflates past {self._limit} bytes")
        return chunk


def _document_lines(stream) -> list[str]:
    """Paragraphs and table rows of a WordprocessingML body in reading order, streamed.

    Each paragraph is a line (its runs' text, tabs and breaks); a table row gives the texts of
    its distinct non-empty cells, one line each (merged cells repeat). Elements are dropped as
    soon as they end, so memory stays flat however long the document is.
    """
    lines: list[str] = []
    length = 0
    paragraphs: list[list[str]] = []  # text pieces of each open paragraph (text boxes nest them)
    cells: list[list[str]] = []  # lines of each open table cell (tables nest)
    rows: list[list[str]] = []  # cell texts of each open table row
    fallback_depth = 0
    elements = paragraph_count = 0
    w = ""  # the WordprocessingML namespace, taken from the root (transitional or strict)

    def emit(line: str) -> None:
        nonlocal length
        if cells:
            cells[-1].append(line)
        else:
            lines.append(line)
            length += len(line)

    for event, element in etree.iterparse(stream, events=("start", "end"), **_SAFE_XML):
        tag = element.tag
        if event == "start":
            elements += 1
            if elements == 1:
                # Word never writes a DTD (OOXML forbids them); one here is an entity trick.
                if element.getroottree().docinfo.doctype:
                    raise Refused(DAMAGED, "DOCTYPE in document.xml")
                if not isinstance(tag, str) or not tag.endswith("}document"):
                    raise Refused(DAMAGED, f"root element {tag!r}")
                w = tag[: -len("document")]
            elif elements > MAX_XML_ELEMENTS:
                raise Refused(TOO_COMPLEX, f"more than {MAX_XML_ELEMENTS} XML elements")
            if tag == _FALLBACK:
                fallback_depth += 1
            elif fallback_depth:
                pass
            elif tag == f"{w}p":
                paragraph_count += 1
                if paragraph_count > MAX_PARAGRAPHS:
                    raise Refused(TOO_COMPLEX, f"more than {MAX_PARAGRAPHS} paragraphs")
                paragraphs.append([])
            elif tag == f"{w}tc":
                cells.append([])
            elif tag == f"{w}tr":
                rows.append([])
            continue

        if tag == _FALLBACK:
            fallback_depth -= 1
        elif fallback_depth:
            pass
        elif tag == f"{w}t" and paragraphs:
            paragraphs[-1].append(element.text or "")
        elif tag == f"{w}tab" and paragraphs:
            paragraphs[-1].append("\t")
        elif tag in (f"{w}br", f"{w}cr") and paragraphs:
            paragraphs[-1].append("\n")
        elif tag == f"{w}p":
            emit("".join(paragraphs.pop()))
        elif tag == f"{w}tc":
            text = "\n".join(cells.pop())
            if rows:
                rows[-1].append(text)
        elif tag == f"{w}tr":
            seen: list[str] = []
            for text in rows.pop():
                if text and text not in seen:
                    seen.append(text)
            for text in seen:
                emit(text)
        # Done with this element: free it and the finished siblings before it.
        element.clear(keep_tail=True)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
        if length >= MAX_CHARS:
            break
    return lines


# --- the child process ---------------------------------------------------------------------


def _limit_resources(cpu_seconds: int, memory_bytes: int) -> None:
    """Past the CPU time the kernel ends this process (SIGXCPU); past the memory, allocations fail."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed child leaves no core file


def main(argv: list[str]) -> int:
    kind, cpu_seconds, memory_bytes = argv[1], int(argv[2]), int(argv[3])
    _limit_resources(cpu_seconds, memory_bytes)
    data = sys.stdin.buffer.read()
    try:
        answer = {"text": extract(kind, data)}
    except Refused as refusal:
        answer = {"refused": refusal.reason, "detail": str(refusal)}
    except MemoryError:
        answer = {"refused": TOO_COMPLEX, "detail": "out of memory"}
    except RecursionError:
        answer = {"refused": DAMAGED, "detail": "nested too deeply"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
