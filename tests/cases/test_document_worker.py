"""Documents asked for from the case page are rendered by the Celery worker (a PDF takes seconds): the page
shows "generating…" and then the link. Rendering is idempotent (a retry or a second worker changes nothing),
and with the broker down the document is rendered in the request instead: never a 500, never lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.documents import document_render, document_request
from cases.models import CaseDocument, DocumentRequest
from cases.tasks import document_render_task
from enforcement.models import OutboxMessage
from tests.conftest import wait_for
from tests.enforcement.test_outage import redis_unreachable

KIND = CaseDocument.Kind.FILING_APPROVAL  # fits an investigating case


@pytest.mark.worker
def test_the_worker_renders_the_document_and_the_page_then_shows_the_link(
    cast, make_case, client_for, celery_worker
):
    case = make_case("investigating")
    asked = document_request(actor=cast.officer_a, case=case, kind=KIND)
    # Queued for the worker (the outbox row went out), not rendered in the request.
    assert OutboxMessage.objects.filter(
        task="cases.tasks.document_render_task", sent_at__isnull=False
    ).exists()
    assert asked.status in (DocumentRequest.Status.PENDING, DocumentRequest.Status.DONE)
    client = client_for(cast.officer_a)
    done = wait_for(
        lambda: DocumentRequest.objects.filter(pk=asked.pk, status=DocumentRequest.Status.DONE).first(), 60
    )
    assert done.document is not None and done.document.kind == KIND and done.document.size > 0
    poll = client.get(reverse("cases:document-request", args=[case.pk, asked.pk]))
    assert poll.status_code == 200
    assert reverse("cases:document-file", args=[case.pk, done.document.pk]) in poll.content.decode()
    # The task again (a redelivery): nothing new.
    assert document_render_task(asked.pk) is False
    assert CaseDocument.objects.filter(case=case, kind=KIND).count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_document_is_rendered_in_the_request(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    with redis_unreachable():
        response = client.post(reverse("cases:document-new", args=[case.pk]), {"kind": KIND})
    assert response.status_code == 302
    [asked] = DocumentRequest.objects.filter(case=case)
    assert asked.status == DocumentRequest.Status.DONE and asked.document is not None
    assert CaseDocument.objects.filter(case=case, kind=KIND).count() == 1
    # The queued task, relayed when the broker is back, finds it done.
    assert document_render_task(asked.pk) is False
    assert CaseDocument.objects.filter(case=case, kind=KIND).count() == 1


@pytest.mark.django_db
def test_the_page_shows_a_pending_document_as_being_generated_and_polls_it(cast, make_case, client_for):
    case = make_case("investigating")
    asked = DocumentRequest.objects.create(case=case, kind=KIND, requested_by=cast.officer_a)
    client = client_for(cast.officer_a)
    page = client.get(reverse("cases:case", args=[case.pk]) + "?lang=en").content.decode()
    poll_url = reverse("cases:document-request", args=[case.pk, asked.pk])
    assert 'data-status="pending"' in page and "Generating" in page and f'hx-get="{poll_url}"' in page
    zh = client.get(poll_url + "?lang=zh-hans").content.decode()
    assert "正在生成" in zh


@pytest.mark.django_db
def test_rendering_twice_makes_one_document_and_a_refusal_is_kept_as_the_error(cast, make_case):
    case = make_case("investigating")
    asked = DocumentRequest.objects.create(case=case, kind=KIND, requested_by=cast.officer_a)
    assert document_render(request_id=asked.pk) is not None
    assert document_render(request_id=asked.pk) is None
    assert CaseDocument.objects.filter(case=case, kind=KIND).count() == 1
    # Asked for, then the case moved on before the worker came to it.
    late = DocumentRequest.objects.create(
        case=case, kind=CaseDocument.Kind.DECISION, requested_by=cast.officer_a
    )
    failed = document_render(request_id=late.pk)
    assert failed is not None and failed.status == DocumentRequest.Status.FAILED and failed.error


@pytest.mark.django_db
def test_someone_who_may_not_generate_documents_is_refused(cast, make_case, client_for):
    case = make_case("investigating")
    asked = DocumentRequest.objects.create(case=case, kind=KIND, requested_by=cast.officer_a)
    assert (
        client_for(cast.reviewer_a)
        .get(reverse("cases:document-request", args=[case.pk, asked.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(cast.officer_b)
        .get(reverse("cases:document-request", args=[case.pk, asked.pk]))
        .status_code
        == 404
    )
    response = client_for(cast.reviewer_a).post(reverse("cases:document-new", args=[case.pk]), {"kind": KIND})
    assert response.status_code == 403
    assert DocumentRequest.objects.filter(case=case).count() == 1
