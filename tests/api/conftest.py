"""The API-wide tests reuse the case, whistle and inspection fixtures (objects at any stage, media in a
temporary folder)."""

from tests.cases.conftest import _media_in_tmp, big_item, make_case, stall_item  # noqa: F401
from tests.inspections.conftest import day, make_task, setup  # noqa: F401
from tests.whistles.conftest import env_department, raise_whistle  # noqa: F401
