"""Documents asked for from the case page are rendered by the Celery worker (a PDF takes seconds): the page
shows "generating…" and then the link. Rendering is idempotent (a retry or a second worker changes nothing),
and with the broker down the document is rendered in the request instead: never a 500, never lost."""

from __future__ import annotations

import datetime as dt

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


# --- the API goes the page's way ----------------------------------------------------------------------------


def _api_generate(client, case, kind=KIND):
    return client.post(
        reverse("api-case-documents", args=[case.pk]), {"kind": kind}, content_type="application/json"
    )


@pytest.mark.worker
def test_the_api_queues_the_document_for_the_worker_and_answers_where_to_poll(
    cast, make_case, client_for, celery_worker
):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    response = _api_generate(client, case)
    [asked] = DocumentRequest.objects.filter(case=case)
    assert OutboxMessage.objects.filter(
        task="cases.tasks.document_render_task", args=[asked.pk], sent_at__isnull=False
    ).exists()
    poll_url = reverse("api-case-document-request", args=[case.pk, asked.pk])
    if response.status_code == 202:  # the usual answer: the worker has it
        body = response.json()
        assert body["url"] == response["Location"] == poll_url and body["status"] in ("pending", "done")
    else:  # the worker was quicker than the answer's own read of the request
        assert response.status_code == 201, response.content
    done = wait_for(lambda: (r := client.get(poll_url).json())["status"] == "done" and r, 60)
    document = CaseDocument.objects.get(case=case, kind=KIND)
    assert done["document"]["id"] == document.pk and done["document"]["url"] == reverse(
        "api-case-document-file", args=[case.pk, document.pk]
    )
    assert document.size > 0  # (its file is in the worker's own media folder: not downloaded from here)
    assert document_render_task(asked.pk) is False  # a redelivery: nothing new


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_api_answers_201_with_the_document_as_the_page_renders_it(
    cast, make_case, client_for
):
    case = make_case("investigating")
    with redis_unreachable():
        response = _api_generate(client_for(cast.officer_a), case)
    assert response.status_code == 201, response.content
    [asked] = DocumentRequest.objects.filter(case=case)
    assert asked.status == DocumentRequest.Status.DONE and response.json()["id"] == asked.document_id
    assert document_render_task(asked.pk) is False
    assert CaseDocument.objects.filter(case=case, kind=KIND).count() == 1


@pytest.mark.django_db
def test_the_page_and_the_api_ask_for_a_document_through_the_same_service(cast, make_case, client_for):
    """Both write a request that the worker's task renders, with the same case event and audit row: the two
    ways cannot drift apart."""
    from cases.models import CaseEvent
    from enforcement.models import AuditEvent

    case = make_case("investigating")
    client = client_for(cast.officer_a)
    assert client.post(reverse("cases:document-new", args=[case.pk]), {"kind": KIND}).status_code == 302
    assert _api_generate(client, case).status_code == 201  # in-process tasks: rendered before the answer
    requests = list(DocumentRequest.objects.filter(case=case).order_by("pk"))
    assert [(r.kind, r.status, r.requested_by) for r in requests] == [
        (KIND, DocumentRequest.Status.DONE, cast.officer_a)
    ] * 2
    assert [r.document.version for r in requests] == [1, 2]
    assert OutboxMessage.objects.filter(task="cases.tasks.document_render_task").count() == 2
    events = CaseEvent.objects.filter(case=case, action="document").order_by("pk")
    assert [(e.data["kind"], e.data["version"]) for e in events] == [(KIND, 1), (KIND, 2)]
    audits = AuditEvent.objects.filter(action="cases.document.generate").order_by("pk")
    assert [a.after["version"] for a in audits] == [1, 2]


@pytest.mark.django_db
def test_the_api_refuses_what_the_page_refuses_and_the_request_status_is_scoped(cast, make_case, client_for):
    case = make_case("investigating")
    asked = DocumentRequest.objects.create(case=case, kind=KIND, requested_by=cast.officer_a)
    url = reverse("api-case-document-request", args=[case.pk, asked.pk])
    body = client_for(cast.officer_a).get(url).json()
    assert (body["status"], body["document"], body["url"]) == ("pending", None, url)
    assert client_for(cast.reviewer_a).get(url).status_code == 403
    assert client_for(cast.officer_b).get(url).status_code == 404
    other = make_case("investigating")
    assert (
        client_for(cast.officer_a)
        .get(reverse("api-case-document-request", args=[other.pk, asked.pk]))
        .status_code
        == 404
    )
    assert _api_generate(client_for(cast.reviewer_a), case).status_code == 403
    refused = _api_generate(client_for(cast.officer_a), case, kind=CaseDocument.Kind.DECISION)
    assert refused.status_code == 400 and refused.json()["detail"]
    assert DocumentRequest.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_page_reads_document_requests_only_when_it_has_some_to_show(cast, make_case, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    case = make_case("investigating")
    client = client_for(cast.officer_a)
    url = reverse("cases:case", args=[case.pk])

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        read = [
            q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "cases_documentrequest"')
        ]
        return body, len(read)

    page()
    body, read = page()
    assert read == 0 and 'data-testid="document-request"' not in body
    long_ago = timezone.now() - dt.timedelta(hours=2)
    DocumentRequest.objects.create(
        case=case, kind=KIND, requested_by=cast.officer_a, status="failed", finished_at=long_ago, error="x"
    )
    body, read = page()
    assert read == 0 and 'data-testid="document-request"' not in body
    DocumentRequest.objects.create(
        case=case,
        kind=KIND,
        requested_by=cast.officer_a,
        status="failed",
        finished_at=timezone.now(),
        error="y",
    )
    body, read = page()
    assert read == 1 and body.count('data-testid="document-request"') == 1
    DocumentRequest.objects.create(case=case, kind=KIND, requested_by=cast.officer_a)
    body, read = page()
    assert read == 1 and body.count('data-testid="document-request"') == 2
