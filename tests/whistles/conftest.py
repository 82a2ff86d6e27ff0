"""Fixtures for the whistle tests: a second department with its responder, a whistle factory, photo
uploads."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from enforcement.domains import Domain
from enforcement.models import Role, Unit, User
from tests.factories import make_unit, make_user
from whistles.models import WhistleRequest
from whistles.services import whistle_raise


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def env_department(cast) -> Unit:
    return make_unit(
        cast.district,
        Unit.Kind.DEPARTMENT,
        code="T500-ENV",
        name_zh="测试区生态环境局",
        domain=Domain.ENVIRONMENT,
    )


@pytest.fixture
def env_responder(env_department) -> User:
    return make_user(
        env_department, [Role.RESPONDER, Role.OFFICER], username="env_responder", full_name="环境联络员"
    )


@pytest.fixture
def raise_whistle(cast) -> Callable[..., WhistleRequest]:
    def make(**overrides: Any) -> WhistleRequest:
        values: dict[str, Any] = {
            "actor": cast.officer_a,
            "town": cast.town_a,
            "title": "餐馆油烟扰民",
            "description": "解放路12号餐馆油烟直排，居民多次投诉。",
            "reason": "no_power",
            "urgency": "normal",
            "address": "解放路12号",
            "departments": [cast.department],
        }
        values.update(overrides)
        return whistle_raise(**values)

    return make


def png_bytes(size: tuple[int, int] = (32, 24), color: str = "red", fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def photo_upload(
    name: str = "scene.png", data: bytes | None = None, content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type=content_type)
