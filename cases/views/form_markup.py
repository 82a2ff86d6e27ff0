"""The fields of a case form as cases/_case_form_fields.html and cases/_case_field.html write them, written in
Python for the case page's action and declaration forms (issue 18: the two templates, rendered for each
field of each form offered, were a tenth of the built case page's CPU).

Byte for byte the templates' text; a field of radio buttons or check boxes, or with a label, help or error
that is not text, is rendered by cases/_case_field.html as before. `tests/cases/test_form_markup.py`
compares the two for every action's form, bound and unbound, in both languages. Change the templates and this
together."""

from __future__ import annotations

from django.forms import BoundField, Form
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from enforcement.markup import NotPlainText, conditional_escape, plain_text

_CHOICES = ("checkboxselectmultiple", "radioselect")
_REQUIRED = ' <span class="text-danger">*</span>'


def _errors(field: BoundField, testid: bool) -> str:
    attr = f' data-testid="error-{plain_text(field.name)}"' if testid else ""
    return "".join(
        f'<div class="invalid-feedback d-block"{attr}>{conditional_escape(e)}</div>' for e in field.errors
    )


def _field(field: BoundField) -> str:
    """cases/_case_field.html."""
    kind = field.widget_type
    if kind in _CHOICES:
        raise NotPlainText
    required = _REQUIRED if field.field.required else ""
    if kind == "checkbox":
        shown = (
            f'\n    <div class="form-check">{field} <label class="form-check-label small" '
            f'for="{plain_text(field.id_for_label)}">{plain_text(field.label)}</label></div>\n  '
        )
    else:
        shown = (
            f'\n    <label class="form-label small mb-1" for="{plain_text(field.id_for_label)}">'
            f"{plain_text(field.label)}{required}</label>\n    {field}\n  "
        )
    help_text = f'<div class="form-text">{plain_text(field.help_text)}</div>' if field.help_text else ""
    return (
        f'\n<div class="mb-2" data-field="{plain_text(field.name)}">\n  {shown}\n'
        f"  {help_text}\n  {_errors(field, testid=True)}\n</div>\n"
    )


def _field_or_template(field: BoundField) -> str:
    try:
        return _field(field)
    except NotPlainText:
        return render_to_string("cases/_case_field.html", {"field": field})


def case_form_fields(form: Form) -> SafeString:
    """cases/_case_form_fields.html for `form`."""
    errors = form.non_field_errors()
    top = (
        '<div class="alert alert-danger py-2 small" role="alert" data-testid="form-errors">'
        + "".join(f"<div>{conditional_escape(e)}</div>" for e in errors)
        + "</div>"
        if errors
        else ""
    )
    hidden = "".join(f"{field}{_errors(field, testid=False)}" for field in form.hidden_fields())
    visible = "".join(_field_or_template(field) for field in form.visible_fields())
    return SafeString(f"\n{top}\n{hidden}\n{visible}\n")
