"""Resume files: PDF or DOCX, recognised by their content, and the plain text inside them.

The file name and declared content type are ignored. A PDF must start with the
`%PDF-` magic, open in pypdf, not be encrypted and have a page; a DOCX must be
a zip holding a readable `word/document.xml`. Refusals raise
`webapp.uploads.UploadError` (its message is shown next to the file field).

The text is read by `extraction.py` in a child process capped in memory, CPU and
wall-clock time (a hostile file costs at most those seconds and never the
worker's memory), with caps on pages, inflated bytes, XML elements, paragraphs
and characters. A file past a cap is refused; a scanned PDF simply yields no text.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage

from webapp.resumes import extraction
from webapp.uploads import UploadError, read_limited

PDF, DOCX = "pdf", "docx"
MIME_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SUFFIXES = tuple(f".{kind}" for kind in MIME_TYPES)

# The child that reads the text: a real resume takes it well under a second of CPU and 100 MB, so
# these only ever stop hostile files (a crafted 7 KB PDF takes pypdf ten seconds a page; a 94 KB
# DOCX took 100 s and 1.6 GB before its parsing was capped). The wall time, twice the CPU time for a
# busy machine, also ends a child that waits instead of computing.
EXTRACT_CPU_SECONDS = 3
EXTRACT_WALL_SECONDS = 6
EXTRACT_MEMORY_BYTES = 512 * 1024 * 1024  # address space, so a little over what it may use

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and Word files saved with a password

NOT_A_RESUME = "This file is not a PDF or Word (.docx) document. Upload your resume in one of those formats."
TOO_COMPLEX = (
    "This document is too large or too complex for us to read. A resume of a few pages is fine: "
    "save it again (or export it as PDF) and upload the new file."
)
_REFUSALS = {
    (PDF, extraction.DAMAGED): "This PDF is damaged and cannot be read. Export it again and upload the new file.",
    (PDF, extraction.ENCRYPTED): "This PDF is password-protected. Upload a copy saved without a password.",
    (DOCX, extraction.DAMAGED): "This Word document is damaged and cannot be read. Save it again and upload the new file.",
    (DOCX, extraction.NOT_WORD): "This zip file is not a Word (.docx) document. Upload your resume as PDF or .docx.",
}
# UploadError reasons (the extraction's "not_word" is a kind of "not_document").
_REASONS = {extraction.NOT_WORD: "not_document"}
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
        return ResumeFile(PDF, data, extract_text(PDF, data))
    if data.startswith(b"PK\x03\x04"):
        return ResumeFile(DOCX, data, extract_text(DOCX, data))
    if data.startswith(_OLE_MAGIC):
        raise UploadError(
            "This is an older Word (.doc) file or a password-protected document. "
            "Save it as .docx (without a password) or PDF and upload that.",
            "not_document",
        )
    raise UploadError(NOT_A_RESUME, "not_document")


def extract_text(kind: str, data: bytes) -> str:
    """The file's text, read by a child process under the limits above; UploadError when refused."""
    command = [sys.executable, "-P", extraction.__file__, kind, str(EXTRACT_CPU_SECONDS), str(EXTRACT_MEMORY_BYTES)]
    try:
        child = subprocess.run(command, input=data, capture_output=True, timeout=EXTRACT_WALL_SECONDS, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        log.warning("resume %s refused: text extraction still running after %s s", kind, EXTRACT_WALL_SECONDS)
        raise UploadError(TOO_COMPLEX, "too_complex") from None
    if child.returncode < 0:  # ended by a signal: SIGXCPU at the CPU limit (or SIGKILL when out of memory)
        log.warning("resume %s refused: text extraction ended by signal %d", kind, -child.returncode)
        raise UploadError(TOO_COMPLEX, "too_complex")
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        answer = None
    if child.returncode != 0 or not isinstance(answer, dict):
        # A failure of ours rather than of the file; the candidate still gets an answer, not a 500.
        log.error("resume %s text extraction failed (exit %d): %s", kind, child.returncode, child.stderr[-4000:])
        raise UploadError(_REFUSALS[kind, extraction.DAMAGED], "damaged")
    if "refused" in answer:
        reason = answer["refused"]
        log.info("resume %s refused (%s): %s", kind, reason, answer.get("detail"))
        raise UploadError(_REFUSALS.get((kind, reason), TOO_COMPLEX), _REASONS.get(reason, reason))
    return answer["text"]
