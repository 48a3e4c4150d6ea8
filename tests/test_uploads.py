"""Image uploads: the shared checker (webapp/uploads.py) and the company logo built on it."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from tests.factories import PASSWORD, gen_company, gen_user
from webapp import uploads
from webapp.models import AuditEvent

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MB = 1024 * 1024


def image_bytes(fmt: str = "PNG", size=(64, 32), color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG header announcing a huge picture (a decompression bomb's first bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def storage(data: bytes, filename: str = "logo.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename)


@pytest.fixture
def uploads_root(app, tmp_path, monkeypatch) -> Path:
    """Uploads go to a temporary instance folder for this test."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "uploads"


@pytest.fixture
def ctx(app, uploads_root):
    with app.app_context():
        yield uploads_root


def save(data: bytes, filename: str = "logo.png", max_bytes: int = 2 * MB, max_side: int = 4096) -> str:
    return uploads.save_image(storage(data, filename), "logos", max_bytes=max_bytes, max_side=max_side)


# --- the shared checker -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_each_allowed_format_is_stored_as_a_fresh_png(ctx, fmt):
    name = save(image_bytes(fmt), filename="whatever.bin")
    assert uploads.is_stored_name(name) and len(name) <= 100
    stored = ctx / "logos" / name
    with Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.size == (64, 32)
    assert list((ctx / "logos").iterdir()) == [stored]  # no partial files left behind


def test_metadata_is_dropped_by_re_encoding(ctx):
    exif = Image.Exif()
    exif[0x010E] = "secret GPS notes"  # ImageDescription
    name = save(image_bytes("JPEG", exif=exif.tobytes()))
    data = (ctx / "logos" / name).read_bytes()
    assert b"secret GPS notes" not in data


def test_an_animated_gif_keeps_its_first_frame(ctx):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    name = save(buffer.getvalue())
    with Image.open(ctx / "logos" / name) as image:
        assert image.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, not an image\n" * 10, "This file is not a PNG, JPEG, WebP or GIF image."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a PNG, JPEG, WebP or GIF"),
        (b"%PDF-1.7\n1 0 obj", "not a PNG, JPEG, WebP or GIF"),
        (image_bytes("PNG")[:60], "not a PNG, JPEG, WebP or GIF"),  # truncated
        (image_bytes("BMP"), "not a PNG, JPEG, WebP or GIF"),  # a real image, but not an allowed type
        (image_bytes("TIFF"), "not a PNG, JPEG, WebP or GIF"),
        (b"", "The file is empty."),
        (png_claiming(60000, 60000), "The image has too many pixels; the largest allowed is 4096×4096."),
        (png_claiming(5000, 4000), "The image is 5000×4000 pixels; the largest allowed is 4096×4096."),
        (image_bytes("PNG", size=(4097, 1)), "the largest allowed is 4096×4096"),
    ],
    ids=["text", "svg", "pdf", "truncated", "bmp", "tiff", "empty", "bomb", "too-tall", "too-wide"],
)
def test_refused_uploads_say_why_and_leave_no_file(ctx, data, message):
    with pytest.raises(uploads.UploadError) as refused:
        save(data)
    assert message in str(refused.value)
    assert isinstance(refused.value, ValueError)
    assert not (ctx / "logos").exists() or list((ctx / "logos").iterdir()) == []


def test_too_many_bytes_is_refused_before_decoding(ctx):
    data = image_bytes("PNG") + b"\x00" * (2 * MB)
    with pytest.raises(uploads.UploadError, match="larger than 2 MB"):
        save(data)


def test_the_largest_allowed_size_is_accepted(ctx):
    assert uploads.is_stored_name(save(image_bytes("PNG", size=(4096, 2), color=(1, 2, 3))))


def test_fit_within_shrinks_large_pictures_only(ctx):
    big = uploads.save_image(storage(image_bytes(size=(1200, 900))), "avatars", max_bytes=2 * MB, max_side=4096, fit_within=512)
    small = uploads.save_image(storage(image_bytes(size=(64, 48))), "avatars", max_bytes=2 * MB, max_side=4096, fit_within=512)
    with Image.open(ctx / "avatars" / big) as image:
        assert image.size == (512, 384)
    with Image.open(ctx / "avatars" / small) as image:
        assert image.size == (64, 48)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (image_bytes(size=(8, 40)), "dimensions"),
        (image_bytes(size=(5000, 20)), "dimensions"),
        (png_claiming(60000, 60000), "too_many_pixels"),
        (image_bytes(size=(300, 300))[:400], "damaged"),
        (b"not an image at all", "not_image"),
        (b"", "empty"),
        (image_bytes() + b"\x00" * (2 * MB), "too_large"),
    ],
    ids=["too-small", "too-wide", "bomb", "truncated", "text", "empty", "too-big"],
)
def test_refusals_name_their_reason_and_respect_min_side(ctx, data, reason):
    with pytest.raises(uploads.UploadError) as refused:
        uploads.save_image(storage(data), "avatars", max_bytes=2 * MB, max_side=4096, min_side=16)
    assert refused.value.reason == reason
    assert not (ctx / "avatars").exists() or list((ctx / "avatars").iterdir()) == []


def test_no_file_chosen(ctx):
    for missing in (None, FileStorage(stream=io.BytesIO(b"x"), filename="")):
        with pytest.raises(uploads.UploadError, match="Choose an image file"):
            uploads.save_image(missing, "logos", max_bytes=MB, max_side=100)


def test_only_names_this_module_made_are_served_or_deleted(ctx, tmp_path):
    outside = tmp_path / "precious.png"
    outside.write_bytes(b"keep me")
    (ctx / "logos").mkdir(parents=True)
    for name in ("../../precious.png", "company_logos/acme.png", "precious.png", "/etc/passwd", "", None,
                 "0123456789abcdef0123456789abcdef.png/../../precious.png"):
        uploads.delete_upload("logos", name)
        assert uploads.stored_path("logos", name) is None
    assert outside.read_bytes() == b"keep me"


def test_delete_upload_removes_the_file_and_tolerates_a_missing_one(ctx):
    name = save(image_bytes())
    assert uploads.stored_path("logos", name) is not None
    uploads.delete_upload("logos", name)
    assert uploads.stored_path("logos", name) is None
    uploads.delete_upload("logos", name)  # already gone: fine


# --- the company logo -------------------------------------------------------------------


def row(db_session, company_id: int) -> dict:
    return dict(db_session.execute(text("SELECT * FROM company_company WHERE id = :id"), {"id": company_id}).mappings().one())


def upload(client, data: bytes, filename: str = "logo.png", **kw):
    return client.post("/company/logo", data={"logo": (io.BytesIO(data), filename)}, content_type="multipart/form-data", **kw)


def stored_files(root: Path) -> list[str]:
    folder = root / "logos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def company(db_session, auth, uploads_root):
    owner = gen_user(db_session, role="employer")
    company = gen_company(db_session, owner, updated_at=LONG_AGO)
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return company


def test_no_logo_yet_shows_an_empty_state_and_404s(client, company):
    page = client.get("/company").get_data(as_text=True)
    assert "No logo yet" in page and "Upload logo" in page and "Remove logo" not in page
    assert client.get("/company/logo").status_code == 404


def test_a_real_png_is_accepted_and_served_back_to_its_owner(client, db_session, company, uploads_root):
    response = upload(client, image_bytes("PNG"))
    assert response.status_code == 302 and response.headers["Location"] == "/company#company-logo"
    stored = row(db_session, company.id)
    assert stored_files(uploads_root) == [stored["company_logo"]]
    assert stored["updated_at"] > LONG_AGO
    served = client.get("/company/logo")
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.data == (uploads_root / "logos" / stored["company_logo"]).read_bytes()
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/company").get_data(as_text=True)
    assert "Logo updated." in page and '<img src="/company/logo?v=' in page and "Replace logo" in page
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "company.updated")).one()
    assert event.details == {"fields": ["company_logo"], "logo": "added"}


def test_htmx_upload_swaps_the_logo_card(client, company):
    response = upload(client, image_bytes("JPEG"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="company-logo"')
    assert "Logo updated." in body and "<html" not in body


def test_another_employer_gets_their_own_logo_or_404(client, auth, db_session, company, uploads_root):
    upload(client, image_bytes("PNG", color=(255, 0, 0)))
    mine = client.get("/company/logo").data
    auth.logout()
    other = gen_user(db_session, role="employer")
    gen_company(db_session, other)
    auth.login(other.email, PASSWORD)
    assert client.get("/company/logo").status_code == 404
    upload(client, image_bytes("PNG", color=(0, 0, 255)))
    theirs = client.get("/company/logo")
    assert theirs.status_code == 200 and theirs.data != mine
    with Image.open(io.BytesIO(theirs.data)) as image:
        assert image.getpixel((1, 1))[:3] == (0, 0, 255)


def test_replacing_deletes_the_old_file(client, db_session, company, uploads_root):
    upload(client, image_bytes("PNG"))
    first = row(db_session, company.id)["company_logo"]
    upload(client, image_bytes("GIF"))
    second = row(db_session, company.id)["company_logo"]
    assert first != second
    assert stored_files(uploads_root) == [second]


def test_removing_the_logo_deletes_the_file_and_clears_the_column(client, db_session, company, uploads_root):
    upload(client, image_bytes())
    response = client.post("/company/logo/remove")
    assert response.status_code == 302
    assert row(db_session, company.id)["company_logo"] is None
    assert stored_files(uploads_root) == []
    page = client.get("/company").get_data(as_text=True)
    assert "Logo removed." in page and "No logo yet" in page
    assert client.get("/company/logo").status_code == 404


def test_removing_when_there_is_no_logo_writes_nothing(client, db_session, company):
    before = row(db_session, company.id)
    response = client.post("/company/logo/remove", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "There was no logo to remove." in response.get_data(as_text=True)
    assert row(db_session, company.id) == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"hello, I am text\n" * 20, "logo.png", "This file is not a PNG, JPEG, WebP or GIF image."),
        (image_bytes("PNG") + b"\x00" * (2 * MB), "big.png", "The image is larger than 2 MB."),
        (b"", "empty.png", "The file is empty."),
        (png_claiming(5000, 5000), "huge.png", "largest allowed is 4096×4096"),
    ],
    ids=["text-named-png", "too-big", "empty", "too-many-pixels"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_logo_gets_a_field_message_422_and_nothing_is_written(
    client, db_session, company, uploads_root, data, filename, message, htmx
):
    upload(client, image_bytes())  # an existing logo must survive a failed replacement
    before = row(db_session, company.id)
    files = stored_files(uploads_root)
    response = upload(client, data, filename, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="logo-error">(.*?)</p>', body)
    assert error and message in error.group(1)
    assert 'aria-describedby="logo-help logo-error"' in body and 'aria-invalid="true"' in body
    assert row(db_session, company.id) == before
    assert stored_files(uploads_root) == files


def test_posting_without_a_file_asks_for_one(client, db_session, company, uploads_root):
    before = row(db_session, company.id)
    for data in ({}, {"logo": "not-a-file"}):
        response = client.post("/company/logo", data=data)
        assert response.status_code == 422
        assert "Choose an image file to upload." in response.get_data(as_text=True)
    assert row(db_session, company.id) == before


def test_a_stored_name_that_is_not_ours_is_never_served_or_deleted(client, db_session, company, uploads_root, tmp_path):
    # The demo data stores names like "company_logos/acme.png" with no file behind them.
    decoy = tmp_path / "company_logos" / "acme.png"
    decoy.parent.mkdir()
    decoy.write_bytes(image_bytes())
    db_session.execute(text("UPDATE company_company SET company_logo = '../company_logos/acme.png' WHERE id = :id"), {"id": company.id})
    assert client.get("/company/logo").status_code == 404
    assert "No logo yet" in client.get("/company").get_data(as_text=True)
    assert upload(client, image_bytes()).status_code == 302
    assert decoy.exists()


def test_oversized_request_bodies_are_a_413_not_a_crash(client, db_session, company):
    before = row(db_session, company.id)
    response = upload(client, b"\x00" * (9 * MB), "huge.png")
    assert response.status_code == 413
    assert row(db_session, company.id) == before


def test_candidates_cannot_upload_or_fetch_logos(client, auth, db_session, uploads_root):
    user = gen_user(db_session, role="user")
    auth.login(user.email, PASSWORD)
    assert upload(client, image_bytes()).status_code == 403
    assert client.get("/company/logo").status_code == 403
    assert stored_files(uploads_root) == []
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("company.%"))) == 0
