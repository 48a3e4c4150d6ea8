"""The candidate's resume page: upload real PDF and DOCX files, see and edit the parsed fields,
download and delete uploads; bad files get a message and leave no row and no file behind."""

from __future__ import annotations

import hashlib
import io
import secrets
import struct
import threading
import time
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_catalog_skill, gen_resume, gen_user
from tests.locks import wait_for_lock_waiters
from tests.querycount import statements_of
from webapp import uploads
from webapp.auth import sessions
from webapp.extensions import login_manager
from webapp.models import AuditEvent, LoginSession, Resume, Skill, User
from webapp.resumes import documents, extraction

MB = 1024 * 1024
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RESUME_LINES = [
    "Ada Lovelace",
    "ada.lovelace@example.com | +44 20 7946 0958",
    "linkedin.com/in/ada-lovelace | https://github.com/adalovelace",
    "Summary",
    "Analyst who turns engines into insight.",
    "Experience",
    "2019 - present  Lead analyst, Babbage & Co",
    "2015 - 2019  Analyst, Engines Ltd",
    "Skills: Python, machine learning, SQL and C++",
    "Education",
    "BSc Mathematics, University of London",
    "Projects",
    "Notes on the analytical engine",
    "Achievements",
    "First published algorithm",
]


# --- real documents, built here -----------------------------------------------------------


def pdf_bytes(pages: list[list[str]] | list[str] = RESUME_LINES) -> bytes:
    """A minimal valid PDF, written by hand: one text content stream per page (Helvetica)."""
    if pages and isinstance(pages[0], str):
        pages = [pages]
    page_count = len(pages)
    # objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream for each page
    page_ids = [4 + 2 * i for i in range(page_count)]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids) + b"] /Count %d >>" % page_count,
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for page_id, lines in zip(page_ids, pages, strict=True):
        text = "".join(f"({_pdf_escape(line)}) Tj T*\n" for line in lines)
        stream = f"BT /F1 11 Tf 14 TL 72 770 Td\n{text}ET".encode("latin-1")
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for number in sorted(objects):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _pdf_escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(lines: list[str] = RESUME_LINES, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def uploads_root(app, tmp_path, monkeypatch) -> Path:
    """Uploads go to a temporary instance folder for this test."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "uploads"


@pytest.fixture
def skills(db_session):
    """The catalog skills parsing matches against (created unless the database has them)."""
    for name in ("Python", "SQL", "Machine Learning", "C", "Learning", "Java"):
        if db_session.scalar(select(Skill).where(func.lower(Skill.name) == name.lower())) is None:
            gen_catalog_skill(db_session, name=name)


def sign_in(client, session, user: User) -> None:
    """A live login session for `user`, as the login form would leave it, minus the deliberately slow
    password check (the login form itself is tested elsewhere; one test below still uses it)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, token_hash=hashlib.sha256(token.encode()).hexdigest()))
    session.flush()
    # Flask-Login's "strong" protection ties the cookie to this client's address and user agent.
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as cookie:
        cookie.update({"_user_id": str(user.id), "_fresh": True, "_id": identifier, sessions.TOKEN_KEY: token})


@pytest.fixture
def candidate(client, db_session, uploads_root, skills) -> User:
    user = gen_user(db_session, role="user")
    sign_in(client, db_session, user)
    return user


def upload(client, data: bytes | None, filename: str = "resume.pdf", **kw):
    form = {} if data is None else {"file": (io.BytesIO(data), filename)}
    return client.post("/resume/upload", data=form, content_type="multipart/form-data", **kw)


def resumes_of(db_session, user: User) -> list[Resume]:
    db_session.expire_all()
    return list(db_session.scalars(select(Resume).where(Resume.user_id == user.id).order_by(Resume.id)))


def stored_files(root: Path) -> list[str]:
    folder = root / "resumes"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


HX = {"HX-Request": "true"}


# --- upload and parsed fields -----------------------------------------------------------


def test_a_pdf_upload_is_stored_privately_and_its_fields_are_read(client, db_session, candidate, uploads_root):
    data = pdf_bytes()
    response = upload(client, data)
    assert response.status_code == 303 and response.headers["Location"] == "/resume"

    [resume] = resumes_of(db_session, candidate)
    assert (resume.first_name, resume.last_name) == ("Ada", "Lovelace")
    assert resume.email == "ada.lovelace@example.com"
    assert resume.phone == "+44 20 7946 0958"
    assert resume.linkedin == "https://www.linkedin.com/in/ada-lovelace"
    assert resume.github == "https://github.com/adalovelace"
    # catalog names, whole words only: "C" is not found inside "C++", "Learning" loses to "Machine Learning"
    assert resume.skills == "Python, Machine Learning, SQL"
    assert resume.summary == "Analyst who turns engines into insight."
    assert resume.work_experience == "2019 - present Lead analyst, Babbage & Co\n2015 - 2019 Analyst, Engines Ltd"
    assert resume.education == "BSc Mathematics, University of London"
    assert resume.projects_worked == "Notes on the analytical engine"
    assert resume.achievements == "First published algorithm"

    # a random name, outside static/, holding the bytes as uploaded; the account points at it
    assert uploads.is_stored_name(resume.file, documents.SUFFIXES) and resume.file.endswith(".pdf")
    assert stored_files(uploads_root) == [resume.file]
    assert (uploads_root / "resumes" / resume.file).read_bytes() == data
    assert db_session.get(User, candidate.id).resume == resume.file
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "resume.uploaded")).one()
    assert (event.target_type, event.target_id, event.details["type"]) == ("users_resume", str(resume.id), "pdf")

    page = client.get("/resume").get_data(as_text=True)
    assert "Resume uploaded. We filled in 12 of 12 fields" in page
    assert 'value="ada.lovelace@example.com"' in page
    assert "\nPython\nMachine Learning\nSQL</textarea>" in page  # one skill per line
    assert "2019 - present Lead analyst, Babbage &amp; Co\n2015 - 2019 Analyst, Engines Ltd</textarea>" in page


def test_a_docx_upload_over_htmx_reads_paragraphs_and_tables(client, db_session, candidate, uploads_root):
    data = docx_bytes(["Grace Hopper", "Education"], table=[["BSc Mathematics, Vassar", "PhD, Yale"]])
    response = upload(client, data, filename="cv.docx", headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/resume"

    [resume] = resumes_of(db_session, candidate)
    assert resume.file.endswith(".docx")
    assert (resume.first_name, resume.last_name) == ("Grace", "Hopper")
    assert resume.education == "BSc Mathematics, Vassar\nPhD, Yale"
    page = client.get("/resume").get_data(as_text=True)
    assert "We could not read much from this file" in page  # 3 of 12 fields: the candidate fills the rest
    assert 'value="Grace"' in page


def test_a_file_with_no_readable_text_is_kept_and_the_fields_stay_empty(client, db_session, candidate):
    assert upload(client, pdf_bytes(["", ""])).status_code == 303
    [resume] = resumes_of(db_session, candidate)
    assert all(getattr(resume, name) is None for name in ("first_name", "email", "skills", "work_experience"))


def test_text_is_read_from_a_bounded_number_of_pages(client, db_session, candidate):
    pages = [["Ada Lovelace"]] + [[f"Page {n}"] for n in range(2, 12)] + [["Education", "Only on page twelve"]]
    assert len(pages) > extraction.MAX_PAGES
    assert upload(client, pdf_bytes(pages)).status_code == 303
    [resume] = resumes_of(db_session, candidate)
    assert resume.first_name == "Ada" and resume.education is None


def zip_bomb() -> bytes:
    """A small zip holding word/document.xml and a member that inflates past the limit."""
    return zip_bytes({"word/document.xml": b"<w/>", "word/media/big.bin": b"\0" * (extraction.MAX_UNZIPPED_BYTES + 1)})


BAD_UPLOADS = [
    pytest.param(None, "resume.pdf", "Choose a PDF or Word (.docx) file to upload.", id="no-file"),
    pytest.param(b"", "resume.pdf", "The file is empty.", id="empty"),
    pytest.param(pdf_bytes() + b"%" * (5 * MB), "resume.pdf", "The file is larger than 5 MB.", id="oversize"),
    pytest.param(png_bytes(), "resume.pdf", "This file is not a PDF or Word (.docx) document.", id="png-renamed-pdf"),
    pytest.param(b"Ada Lovelace\nPython", "resume.docx", "not a PDF or Word (.docx) document", id="text"),
    pytest.param(b"%PDF-1.4\nthis is not really a PDF", "resume.pdf", "This PDF is damaged", id="malformed-pdf"),
    pytest.param(pdf_bytes()[:300], "resume.pdf", "This PDF is damaged", id="truncated-pdf"),
    pytest.param(encrypted_pdf(), "resume.pdf", "This PDF is password-protected.", id="encrypted-pdf"),
    pytest.param(zip_bytes({"readme.txt": b"hi"}), "resume.docx", "This zip file is not a Word (.docx) document.", id="zip"),
    pytest.param(zip_bytes({"word/document.xml": b"<not xml"}), "resume.docx", "This Word document is damaged", id="bad-docx"),
    pytest.param(zip_bomb(), "resume.docx", "This document is too large or too complex", id="zip-bomb"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "resume.doc", "older Word (.doc) file", id="doc"),
]


@pytest.mark.parametrize(("data", "filename", "message"), BAD_UPLOADS)
def test_a_refused_upload_says_why_and_stores_nothing(client, db_session, candidate, uploads_root, data, filename, message):
    earlier = gen_resume(db_session, candidate)
    db_session.get(User, candidate.id).resume = earlier.file
    db_session.flush()
    audit_before = db_session.scalar(select(func.count()).select_from(AuditEvent))

    response = upload(client, data, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="file-error"' in page and 'aria-describedby="file-help file-error"' in page and 'aria-invalid="true"' in page
    assert [r.id for r in resumes_of(db_session, candidate)] == [earlier.id]
    assert db_session.get(User, candidate.id).resume == earlier.file
    assert stored_files(uploads_root) == []
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_a_refused_htmx_upload_swaps_only_the_upload_card(client, candidate, uploads_root):
    response = upload(client, png_bytes(), headers=HX)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="resume-upload"') and "<html" not in body
    assert "not a PDF or Word (.docx) document" in body
    assert stored_files(uploads_root) == []


# --- hostile files: refused within seconds, nothing stored (issue 14, item 1) -------------

W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TOO_COMPLEX = "This document is too large or too complex for us to read."
DAMAGED_DOCX = "This Word document is damaged and cannot be read."
QUICK = 15  # seconds; the child reading a file is stopped after documents.EXTRACT_WALL_SECONDS


def word_document(body: bytes, prolog: bytes = b"") -> bytes:
    return b'<?xml version="1.0"?>' + prolog + b"<w:document " + W_NS + b"><w:body>" + body + b"</w:body></w:document>"


def docx_with_document(xml: bytes) -> bytes:
    """A real Word file (styles, relationships, content types) whose document.xml is `xml`."""
    original = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in original.infolist():
            archive.writestr(member.filename, xml if member.filename == "word/document.xml" else original.read(member))
    return out.getvalue()


def empty_paragraphs_docx() -> bytes:
    """The reported file: 94 KB holding 39 MiB of empty paragraphs (100 s and 1.6 GB before the fix)."""
    return docx_with_document(word_document(b"<w:p/>" * (39 * MB // 6)))


def paragraphs_under_the_byte_cap_docx() -> bytes:
    """1.5 million empty paragraphs in 9 MiB: under the size cap, over the paragraph cap."""
    return docx_with_document(word_document(b"<w:p/>" * (9 * MB // 6)))


def elements_in_one_paragraph_docx() -> bytes:
    """One paragraph of 1.5 million empty runs: over the element cap."""
    return docx_with_document(word_document(b"<w:p>" + b"<w:r/>" * (9 * MB // 6) + b"</w:p>"))


def lying_header_docx() -> bytes:
    """39 MiB of XML whose zip headers claim 1,000 bytes (so a check of declared sizes passes)."""
    data = bytearray(empty_paragraphs_docx())
    # Where a local file header and a central directory entry keep the uncompressed size, the
    # name's length and the name (PKWARE APPNOTE 4.3.7 and 4.3.12).
    layouts = {b"PK\x03\x04": (22, 26, 30), b"PK\x01\x02": (24, 28, 46)}
    for signature, (size_at, name_length_at, name_at) in layouts.items():
        start = 0
        while (start := data.find(signature, start)) != -1:
            (name_length,) = struct.unpack_from("<H", data, start + name_length_at)
            if data[start + name_at : start + name_at + name_length] == b"word/document.xml":
                struct.pack_into("<I", data, start + size_at, 1000)
            start += len(signature)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size == 1000
    return bytes(data)


def billion_laughs_docx() -> bytes:
    """Nested entities that would expand to 10^9 "lol"s."""
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10))) for n in range(1, 10)
    ]
    dtd = b"<!DOCTYPE w:document [" + b"".join(entities) + b"]>"
    return docx_with_document(word_document(b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=dtd))


def deeply_nested_docx() -> bytes:
    return docx_with_document(word_document(b"<w:sdt>" * 200_000 + b"</w:sdt>" * 200_000))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(empty_paragraphs_docx, TOO_COMPLEX, id="39-MiB-of-empty-paragraphs"),
        pytest.param(paragraphs_under_the_byte_cap_docx, TOO_COMPLEX, id="too-many-paragraphs"),
        pytest.param(elements_in_one_paragraph_docx, TOO_COMPLEX, id="too-many-elements"),
        pytest.param(lying_header_docx, DAMAGED_DOCX, id="zip-header-lies-about-size"),
        pytest.param(billion_laughs_docx, DAMAGED_DOCX, id="billion-laughs"),
        pytest.param(deeply_nested_docx, DAMAGED_DOCX, id="deeply-nested"),
    ],
)
def test_a_hostile_word_file_is_refused_quickly_and_stores_nothing(client, db_session, candidate, uploads_root, build, message):
    data = build()
    assert len(data) < 200 * 1024  # all of them are small uploads
    audit_before = db_session.scalar(select(func.count()).select_from(AuditEvent))

    started = time.monotonic()
    response = upload(client, data, "resume.docx", headers=HX)
    assert time.monotonic() - started < QUICK
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert resumes_of(db_session, candidate) == [] and db_session.get(User, candidate.id).resume is None
    assert stored_files(uploads_root) == []
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    # The same candidate then uploads a real resume as usual.
    assert upload(client, docx_bytes(), "resume.docx").status_code == 303
    [resume] = resumes_of(db_session, candidate)
    assert (resume.first_name, resume.email) == ("Ada", "ada.lovelace@example.com")


def slow_pdf(pages: int = 10, operators: int = 500_000) -> bytes:
    """7 KB of PDF whose pages share one content stream of half a million text operators: pypdf
    takes about ten seconds a page to read it (and still within its own parsing limits)."""
    content = zlib.compress(b"BT /F1 11 Tf " + b"(a) Tj " * operators + b"ET", 9)
    page_ids = [5 + n for n in range(pages)]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids) + b"] /Count %d >>" % pages,
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
    }
    for page_id in page_ids:
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for number in sorted(objects):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_that_would_take_minutes_to_read_is_stopped_within_seconds(client, db_session, candidate, uploads_root):
    started = time.monotonic()
    response = upload(client, slow_pdf())
    assert time.monotonic() - started < QUICK
    assert response.status_code == 422
    assert TOO_COMPLEX in response.get_data(as_text=True)
    assert resumes_of(db_session, candidate) == [] and stored_files(uploads_root) == []


def test_a_reader_that_outlives_the_wall_clock_limit_is_killed(client, db_session, candidate, uploads_root, monkeypatch):
    # The CPU limit usually ends a slow read first; a child that waits (a busy machine) meets this one.
    monkeypatch.setattr(documents, "EXTRACT_WALL_SECONDS", 0.5)
    started = time.monotonic()
    response = upload(client, slow_pdf(pages=1))
    assert time.monotonic() - started < 2
    assert response.status_code == 422 and TOO_COMPLEX in response.get_data(as_text=True)
    assert resumes_of(db_session, candidate) == [] and stored_files(uploads_root) == []


def test_the_size_limit_is_a_setting(app, client, db_session, candidate, monkeypatch):
    monkeypatch.setitem(app.config, "RESUME_MAX_BYTES", 64 * 1024)
    response = upload(client, pdf_bytes() + b"%" * (64 * 1024))
    assert response.status_code == 422 and "larger than 64 KB" in response.get_data(as_text=True)
    assert "up to 64 KB" in client.get("/resume").get_data(as_text=True)
    assert resumes_of(db_session, candidate) == []


# --- the page and editing ---------------------------------------------------------------


def test_without_a_resume_the_page_invites_an_upload(client, candidate):
    page = client.get("/resume").get_data(as_text=True)
    assert "No resume yet" in page and 'enctype="multipart/form-data"' in page
    assert "PDF or Word (.docx), up to 5 MB." in page
    assert 'id="resume-fields"' not in page and 'id="resume-uploads"' not in page


def test_only_candidates_have_a_resume_page(client, db_session):
    sign_in(client, db_session, gen_user(db_session, role="employer"))
    assert client.get("/resume").status_code == 403
    assert upload(client, pdf_bytes()).status_code == 403


def test_editing_the_fields_in_place_saves_them(client, db_session, candidate):
    resume = gen_resume(db_session, candidate, skills="Python, SQL")
    form = {
        "first_name": " Ada ", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0958",
        "linkedin": "linkedin.com/in/ada", "github": "https://github.com/ada",
        "skills": "Python\nSQL, Rust\n\n", "summary": "Analyst.",
        "work_experience": "  2019 - present  Lead analyst \n\n2015 - 2019 Analyst",
        "education": "BSc", "projects_worked": "", "achievements": "Award",
    }
    response = client.post(f"/resume/{resume.id}", data=form, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="resume-fields"')
    assert 'role="status">Your resume details are saved.' in body

    db_session.refresh(resume)
    assert resume.first_name == "Ada" and resume.linkedin == "https://linkedin.com/in/ada"
    assert resume.skills == "Python, SQL, Rust"
    assert resume.work_experience == "2019 - present Lead analyst\n2015 - 2019 Analyst"
    assert resume.projects_worked is None
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "resume.updated")).one()
    assert "skills" in event.details["fields"] and "file" not in event.details["fields"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address"),
        ("phone", "call me maybe", "Use digits, spaces and + - ( ) only"),
        ("linkedin", "https://example.com/in/ada", "https://www.linkedin.com/in/your-name"),
        ("github", "javascript:alert(1)", "https://github.com/your-name"),
        ("first_name", "A" * 256, "Keep this to 255 characters or fewer."),
        ("skills", "\n".join(f"skill {n}" for n in range(101)), "Keep this to 100 lines or fewer."),
        ("education", "BSc\x00", "Remove the invisible control characters"),
    ],
)
def test_invalid_fields_are_refused_with_a_message_next_to_them(client, db_session, candidate, field, value, message):
    resume = gen_resume(db_session, candidate)
    before = {name: getattr(resume, name) for name in ("first_name", "email", "skills", "education")}
    response = client.post(f"/resume/{resume.id}", data={"first_name": "Changed", field: value}, headers=HX)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and f'id="{field}-error"' in body and "Nothing was saved" in body
    db_session.refresh(resume)
    assert {name: getattr(resume, name) for name in before} == before


def test_seeded_comma_separated_skills_are_edited_one_per_line(client, db_session, candidate):
    gen_resume(db_session, candidate, skills="Python, Go, SQL", linkedin="https://www.linkedin.com/in/x")
    page = client.get("/resume").get_data(as_text=True)
    assert "\nPython\nGo\nSQL</textarea>" in page and 'value="https://www.linkedin.com/in/x"' in page


# --- the uploads list, download and delete ----------------------------------------------


def test_uploads_are_listed_newest_first_and_only_stored_files_download(client, db_session, candidate):
    assert upload(client, pdf_bytes()).status_code == 303
    assert upload(client, docx_bytes(), filename="cv.docx").status_code == 303
    older, newer = resumes_of(db_session, candidate)
    seeded = gen_resume(db_session, candidate, file="resumes/ada-20240101.pdf", uploaded_at=LONG_AGO)  # demo shape
    page = client.get("/resume").get_data(as_text=True)
    assert page.index(f"/resume/{newer.id}/delete") < page.index(f"/resume/{older.id}/delete") < page.index(
        f"/resume/{seeded.id}/delete"
    )
    assert f"/resume/{newer.id}/file" in page and f"/resume/{older.id}/file" in page
    assert f"/resume/{seeded.id}/file" not in page and "File not available" in page
    assert client.get(f"/resume/{seeded.id}/file").status_code == 404


def test_the_owner_downloads_the_file_as_an_attachment(client, db_session, candidate):
    data = docx_bytes()
    upload(client, data, filename="cv.docx")
    [resume] = resumes_of(db_session, candidate)
    response = client.get(f"/resume/{resume.id}/file")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == DOCX_TYPE
    assert response.headers["Content-Disposition"].startswith("attachment; filename=resume-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_another_candidates_resume_is_not_found(client, db_session, auth, candidate, uploads_root):
    upload(client, pdf_bytes())
    [resume] = resumes_of(db_session, candidate)
    stranger = gen_user(db_session, role="user")
    auth.logout()
    assert auth.login(stranger.email, PASSWORD).status_code == 302  # the real login form, once
    for method, url in (("GET", f"/resume/{resume.id}/file"), ("GET", f"/resume/{resume.id}/delete"),
                        ("POST", f"/resume/{resume.id}/delete"), ("POST", f"/resume/{resume.id}")):
        assert client.open(url, method=method, data={"first_name": "Mallory"}).status_code == 404, url
    assert "ada.lovelace" not in client.get("/resume").get_data(as_text=True)
    assert [r.first_name for r in resumes_of(db_session, candidate)] == ["Ada"]
    assert stored_files(uploads_root) == [resume.file]


def test_deleting_an_upload_asks_first_then_removes_row_and_file(client, db_session, candidate, uploads_root):
    upload(client, pdf_bytes())
    upload(client, docx_bytes(), filename="cv.docx")
    older, newer = resumes_of(db_session, candidate)
    confirm = client.get(f"/resume/{newer.id}/delete").get_data(as_text=True)
    assert "This is your current resume" in confirm and "Cancel, keep it" in confirm
    assert len(resumes_of(db_session, candidate)) == 2  # asking deletes nothing

    response = client.post(f"/resume/{newer.id}/delete")
    assert response.status_code == 303
    assert [r.id for r in resumes_of(db_session, candidate)] == [older.id]
    assert stored_files(uploads_root) == [older.file]
    assert db_session.get(User, candidate.id).resume == older.file  # the previous upload is current again

    client.post(f"/resume/{older.id}/delete")
    assert resumes_of(db_session, candidate) == [] and stored_files(uploads_root) == []
    assert db_session.get(User, candidate.id).resume is None
    assert "No resume yet" in client.get("/resume").get_data(as_text=True)


def test_the_page_takes_the_same_statements_however_many_uploads(app, client, db_session, candidate):
    gen_resume(db_session, candidate)
    few, _ = statements_of(app, client, "/resume")
    for _ in range(14):
        gen_resume(db_session, candidate)
    many, page = statements_of(app, client, "/resume")
    assert len(many) == len(few)
    assert "Showing 1–10 of 15 uploads" in page and 'href="/resume?page=2"' in page
    second = client.get("/resume?page=2", headers={**HX, "HX-Target": "resume-uploads"}).get_data(as_text=True)
    assert second.lstrip().startswith('<section class="card" id="resume-uploads"') and "Showing 11–15 of 15" in second
    assert client.get("/resume?page=two").status_code == 400


def test_document_names_never_pass_for_images(app, uploads_root):
    """Avatars and logos keep accepting only their own .png names, resumes only .pdf/.docx."""
    with app.app_context():
        name = uploads.store("resumes", ".pdf", lambda path: path.write_bytes(b"%PDF-"))
        assert uploads.stored_path("resumes", name, documents.SUFFIXES) is not None
        assert not uploads.is_stored_name(name) and uploads.stored_path("resumes", name) is None
        assert not uploads.is_stored_name(name.replace(".pdf", ".png"), documents.SUFFIXES)
        uploads.delete_upload("resumes", name)  # the image suffixes: left alone
        assert stored_files(uploads_root) == [name]


# --- two uploads at once, committed for real ---------------------------------------------


def test_racing_uploads_leave_the_account_pointing_at_the_newest(app, uploads_root):
    """Both uploads start while the account row is locked, so their transactions overlap; whichever
    gets the lock last must be the newest upload and the one users_user.resume names.
    Runs outside the rolled-back test transaction and deletes what it committed."""
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as setup:
        user = gen_user(setup, role="user")
        clients = [app.test_client() for _ in range(2)]
        for client in clients:
            sign_in(client, setup, user)
        setup.commit()
    responses: list = []
    try:
        with engine.connect() as holder:
            lock = holder.begin()
            holder.execute(select(User.id).where(User.id == user.id).with_for_update())
            threads = [
                threading.Thread(target=lambda c=client, d=data: responses.append(upload(c, d)))
                for client, data in zip(clients, (pdf_bytes(), docx_bytes()), strict=True)
            ]
            for thread in threads:
                thread.start()
            _wait_for_lock_waiters(engine, 2)
            lock.rollback()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(response.status_code for response in responses) == [303, 303]
        with Session(engine) as check:
            rows = check.execute(select_newest_first(user.id)).all()
            assert len(rows) == 2
            assert check.get(User, user.id).resume == rows[0].file
        assert sorted(stored_files(uploads_root)) == sorted(row.file for row in rows)
    finally:
        with engine.begin() as connection:
            connection.execute(delete(AuditEvent).where(AuditEvent.actor_id == user.id))
            connection.execute(delete(User).where(User.id == user.id))  # resumes and logins cascade


def select_newest_first(user_id: int):
    return select(Resume.file).where(Resume.user_id == user_id).order_by(Resume.uploaded_at.desc(), Resume.id.desc())


def _wait_for_lock_waiters(engine, count: int) -> None:
    if wait_for_lock_waiters(engine, count) < count:
        raise AssertionError(f"expected {count} uploads waiting for the account lock")
