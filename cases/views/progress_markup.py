"""The case page's stage progress bar as cases/_case_progress.html writes it, written in Python (issue 18: the
template's loop over eight steps was a tenth of the built case page's template time). Byte for byte the
template's text, which stays as the reference `tests/cases/test_form_markup.py` compares with for every stage,
set of steps reached and language. Change the template and this together."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from enforcement.markup import conditional_escape

from ..workflow import ProgressStep

_MARKS = {"done": "✓", "current": "●", "ended": "■", "skipped": "–"}
_SHOWN = ("current", "ended")


def _step(step: ProgressStep) -> str:
    state, key, shown = conditional_escape(step.state), conditional_escape(step.key), step.state in _SHOWN
    current = ' aria-current="step"' if shown else ""
    words = "case-progress-state" if shown else "visually-hidden"
    return (
        f'\n    <li class="case-progress-step is-{state}" data-step="{key}" data-state="{state}"{current}>'
        f'\n      <span class="case-progress-mark" aria-hidden="true">{_MARKS.get(step.state, "○")}</span>'
        f'\n      <span class="case-progress-label">{conditional_escape(step.label)}</span>'
        f'<span class="{words}">· {conditional_escape(step.state_label)}</span>\n    </li>\n    '
    )


def case_progress_bar(steps: list[ProgressStep]) -> SafeString:
    """cases/_case_progress.html for these steps (`deadlines.case_progress`)."""
    return SafeString(
        f'\n<nav class="mt-2 border-top pt-2" aria-label="{conditional_escape(_("Case progress"))}" '
        'data-testid="case-progress">\n  <ol class="case-progress list-unstyled d-flex flex-wrap gap-1 mb-0 '
        f'small">\n    {"".join(_step(s) for s in steps)}\n  </ol>\n</nav>\n'
    )
