"""A warning raised before an action is written in the acting person's language: the desk labels it when the
reader's language differs ("Written in English: …" / "原文（英语）：…") and shows it plain otherwise."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from enforcement.fences import Finding
from enforcement.models import FenceWarning
from enforcement.services import fence_findings_record
from enforcement.sweeps import warning_message


def _raise(cast, language: str, message: str, key: str) -> FenceWarning:
    with translation.override(language):
        (warning,) = fence_findings_record(
            actor=cast.officer_a,
            action="test.propose_fine",
            key=key,
            findings=[Finding(rule="discretion.outside_tier", message=message, severity="warning")],
            town=cast.town_a,
            reason="初次违法",
        )
    return warning


def test_the_language_a_warning_was_written_in_is_kept_and_labelled_for_a_reader_of_another(cast, client_for):
    english = _raise(cast, "en", "The fine is above the tier.", "a")
    chinese = _raise(cast, "zh-hans", "拟罚款超出裁量基准阶次。", "b")
    assert english.details["written_in"] == "en" and chinese.details["written_in"] == "zh-hans"
    client = client_for(cast.supervisor_a)
    for lang, warning, shown in (
        ("en", english, "The fine is above the tier."),
        ("zh-hans", english, "原文（英语）：The fine is above the tier."),
        ("zh-hans", chinese, "拟罚款超出裁量基准阶次。"),
        ("en", chinese, "Written in Simplified Chinese: 拟罚款超出裁量基准阶次。"),
    ):
        page = client.get(reverse("desk-warning", args=[warning.pk]) + f"?lang={lang}").content.decode()
        assert f'data-testid="warning-message">{shown}</p>' in page, (lang, shown)
        assert "written_in" not in page and ">zh-hans<" not in page and ">en<" not in page
        api = client.get(reverse("api-desk-warning", args=[warning.pk]) + f"?lang={lang}").json()
        assert api["message"] == shown
        desk = client.get(reverse("desk") + f"?lang={lang}").content.decode()
        assert shown in desk
    # Raised before the language was kept: shown as stored, in every language.
    FenceWarning.objects.filter(pk=english.pk).update(details={})
    english.refresh_from_db()
    with translation.override("zh-hans"):
        assert warning_message(english) == "The fine is above the tier."
