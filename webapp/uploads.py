"""User uploads (company logos, avatars, resumes): checked by content, stored privately.

An upload is trusted for nothing: not its file name, not its declared content
type. Pillow must recognise the bytes as one of a few raster formats, the
declared pixel size is checked before any pixel is decoded (so a tiny file
that claims 60000x60000 pixels costs nothing), and the picture is re-encoded
as a fresh PNG, which drops metadata (EXIF location, comments) and anything
smuggled after the image data. Files live under `<instance>/uploads/<folder>/`
with a random name; only names of that exact shape are ever opened or deleted,
so a value stored by someone else (the demo data's `company_logos/x.png`) can
never reach outside that folder.

Documents (resumes) are checked by their own module and kept byte for byte;
they share the limited reading, the random names and the folders here, each
kind with its own extensions (`suffixes`).
"""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
import warnings
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
ALLOWED_DESCRIPTION = "PNG, JPEG, WebP or GIF"
_STORED_NAME = re.compile(r"\A[0-9a-f]{32}(\.[a-z]{3,4})\Z")
IMAGE_SUFFIXES = (".png",)


class UploadError(ValueError):
    """The upload was refused; `str(error)` is a message to show next to the file field.

    `reason` names the check that failed ("missing", "empty", "too_large", "not_image",
    "damaged", "dimensions", "too_many_pixels"; for documents also "not_document", "encrypted",
    "too_complex"),
    for a caller that words it its own way.
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def upload_folder(folder: str) -> Path:
    return Path(current_app.instance_path) / "uploads" / folder


def is_stored_name(name: str | None, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> bool:
    """A name this module could have produced with one of `suffixes` (and nothing else: no paths)."""
    match = _STORED_NAME.match(name) if name else None
    return match is not None and match.group(1) in suffixes


def stored_path(folder: str, name: str | None, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> Path | None:
    """The file behind a stored name, or None when the name is foreign or the file is gone."""
    if not is_stored_name(name, suffixes):
        return None
    path = upload_folder(folder) / name
    return path if path.is_file() else None


def save_image(
    file: FileStorage | None,
    folder: str,
    *,
    max_bytes: int,
    max_side: int,
    min_side: int = 1,
    fit_within: int | None = None,
) -> str:
    """Check the upload, store it as PNG under a new random name and return that name.

    `min_side`/`max_side` bound the uploaded width and height; `fit_within` then
    shrinks the stored picture (never enlarges it) to at most that many pixels a side.
    """
    data = read_limited(file, max_bytes)
    image = _decode(data, min_side, max_side)
    if fit_within is not None:
        image.thumbnail((fit_within, fit_within))
    return store(folder, ".png", lambda path: image.save(path, format="PNG", optimize=True))


def store(folder: str, suffix: str, write: Callable[[Path], object]) -> str:
    """Have `write` fill a new file under a fresh random name ending in `suffix`; return that name."""
    name = f"{secrets.token_hex(16)}{suffix}"
    target = upload_folder(folder)
    target.mkdir(parents=True, exist_ok=True)
    # Write next to the destination and rename, so a reader never sees half a file.
    partial = target / f".{name}.partial"
    try:
        write(partial)
        os.replace(partial, target / name)
    finally:
        partial.unlink(missing_ok=True)
    return name


def delete_upload(folder: str, name: str | None, suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> None:
    """Remove a stored file; names this module did not produce are left alone, missing files are fine."""
    if is_stored_name(name, suffixes):
        (upload_folder(folder) / name).unlink(missing_ok=True)


def read_limited(file: FileStorage | None, max_bytes: int, what: str = "an image file", noun: str = "image") -> bytes:
    """The uploaded bytes; refused when no file was chosen, or it is empty or larger than `max_bytes`.

    `what` and `noun` word the messages: "Choose {what} to upload.", "The {noun} is larger than ...".
    """
    if file is None or not isinstance(file, FileStorage) or not (file.filename or "").strip():
        raise UploadError(f"Choose {what} to upload.", "missing")
    # Read one byte past the limit: enough to know it is too big without reading it all.
    data = file.stream.read(max_bytes + 1)
    if not data:
        raise UploadError(f"The file is empty. Choose {what} to upload.", "empty")
    if len(data) > max_bytes:
        raise UploadError(f"The {noun} is larger than {size_label(max_bytes)}. Upload a smaller file.", "too_large")
    return data


# What Pillow raises on data it recognised but cannot read (truncated, corrupt).
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def _decode(data: bytes, min_side: int, max_side: int) -> Image.Image:
    not_an_image = f"This file is not a {ALLOWED_DESCRIPTION} image. Upload a picture in one of those formats."
    with warnings.catch_warnings():
        # Pillow only warns about very large images; treat that as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow refuses these at open time, before our own size check could run.
            raise UploadError(
                f"The image has too many pixels; the largest allowed is {max_side}×{max_side}.", "too_many_pixels"
            ) from error
        except (UnidentifiedImageError, *_BROKEN) as error:
            raise UploadError(not_an_image, "not_image") from error
        try:
            with probe:
                width, height = probe.size  # from the header; no pixels decoded yet
                if width > max_side or height > max_side:
                    raise UploadError(
                        f"The image is {width}×{height} pixels; the largest allowed is {max_side}×{max_side}.",
                        "dimensions",
                    )
                if width < min_side or height < min_side:
                    raise UploadError(
                        f"The image is {width}×{height} pixels; the smallest allowed is {min_side}×{min_side}.",
                        "dimensions",
                    )
                probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels.
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                image.seek(0)  # animated GIF/WebP: keep the first frame
                image.load()
                return _normalised(image)
        except UploadError:
            raise  # a ValueError itself: keep it from the clause below
        except _BROKEN as error:
            # The header was fine but the pixel data is truncated or corrupt.
            raise UploadError(not_an_image, "damaged") from error


def _normalised(image: Image.Image) -> Image.Image:
    """Upright, in a mode PNG stores as-is, detached from the source file."""
    image = ImageOps.exif_transpose(image) or image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def size_label(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n % (1024 * 1024) == 0 else f"{n // 1024} KB"
