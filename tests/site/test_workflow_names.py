"""The review workflow's and task's names: shown in the member's language, stored as written in code.

In a CI run a member's language leaked into the `name` column ("Revisión de la coordinación"),
so setup_workspace no longer found its workflow and made a second one. Every way of reading a
name and writing it back must keep the stored value.
"""

import copy

import pytest
from django.core import serializers
from django.forms import modelform_factory
from django.template import Context, Template
from django.utils import translation
from wagtail.models import PageLogEntry, Task, Workflow

from tests.factories import make_member
from tests.site.test_practice_support import make_practice
from workspace.site.demo import submit_for_review
from workspace.site.setup import REVIEW_TASK, REVIEW_WORKFLOW, setup_workspace

pytestmark = pytest.mark.django_db

SHOWN = {
    "es": ("Revisión de la coordinación", "Aprobación de la coordinación"),
    "fr": ("Révision de la coordination", "Approbation de la coordination"),
}


def review_workflow_and_task():
    return Workflow.objects.get(name=REVIEW_WORKFLOW), Task.objects.get(name=REVIEW_TASK)


def stored_names():
    return (
        sorted(Workflow.objects.values_list("name", flat=True)),
        sorted(Task.objects.values_list("name", flat=True)),
    )


def refresh_then_save(obj):
    obj.refresh_from_db()
    obj.save()


def save_the_specific_task(obj):
    # Wagtail builds it from the attributes read off the base object.
    getattr(obj, "specific_deferred", obj).save()


def bulk_update(obj):
    type(obj).objects.bulk_update([obj], ["name"])


def update_with_the_name_read(obj):
    type(obj).objects.filter(pk=obj.pk).update(name=obj.name)


def update_or_create_with_the_name_read(obj):
    type(obj).objects.update_or_create(pk=obj.pk, defaults={"name": obj.name})


def submit_the_edit_form_unchanged(obj):
    Form = modelform_factory(type(obj), fields=["name"])
    field = Form(instance=obj)["name"]
    shown = field.field.widget.format_value(field.value())  # what the input's value="…" holds
    form = Form({"name": shown}, instance=obj)
    assert form.is_valid(), form.errors
    form.save()


def serialize_and_restore(obj):
    # The browser tests' snapshot: serialize, flush, deserialize.
    data = serializers.serialize("json", [obj])
    for restored in serializers.deserialize("json", data):
        restored.save()


def copy_and_save(obj):
    copy.copy(obj).save()


WRITE_BACKS = [
    refresh_then_save,
    save_the_specific_task,
    bulk_update,
    update_with_the_name_read,
    update_or_create_with_the_name_read,
    submit_the_edit_form_unchanged,
    serialize_and_restore,
    copy_and_save,
]


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("write_back", WRITE_BACKS, ids=lambda operation: operation.__name__)
def test_reading_a_name_in_another_language_and_writing_it_back_keeps_the_stored_name(language, write_back):
    before = stored_names()
    with translation.override(language):
        for obj in review_workflow_and_task():
            write_back(obj)
    assert stored_names() == before


def test_setup_finds_its_workflow_after_a_spanish_refresh_and_save():
    with translation.override("es"):
        workflow, task = review_workflow_and_task()
        refresh_then_save(workflow)
        refresh_then_save(task)
        setup_workspace()
    assert Workflow.objects.filter(name=REVIEW_WORKFLOW).count() == 1
    assert Task.objects.filter(name=REVIEW_TASK).count() == 1
    assert not Workflow.objects.filter(name__in=[SHOWN["es"][0], SHOWN["fr"][0]]).exists()


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_names_are_shown_in_the_members_language(language):
    workflow, task = review_workflow_and_task()
    workflow_shown, task_shown = SHOWN[language]
    with translation.override(language):
        assert (str(workflow.name), str(task.name)) == (workflow_shown, task_shown)
        assert (str(workflow), str(task.specific)) == (workflow_shown, task_shown)
        # As Wagtail's action menu writes its label ("Submit to %(workflow_name)s").
        label = "Submit to %(workflow_name)s" % {"workflow_name": workflow.name}  # noqa: UP031
        assert label == f"Submit to {workflow_shown}"
        rendered = Template("{{ workflow.name }} / {{ task.name }} / {{ workflow }}").render(
            Context({"workflow": workflow, "task": task})
        )
        assert rendered == f"{workflow_shown} / {task_shown} / {workflow_shown}"


def test_the_name_read_is_the_stored_one_for_lookups_and_comparisons():
    workflow, task = review_workflow_and_task()
    with translation.override("es"):
        assert workflow.name == REVIEW_WORKFLOW and task.name == REVIEW_TASK
        assert Workflow.objects.get(name=workflow.name) == workflow
        assert Task.objects.filter(name=task.name).count() == 1


def test_a_name_setup_does_not_create_is_shown_as_written():
    workflow = Workflow.objects.create(name="Revisión jurídica")
    with translation.override("fr"):
        assert str(Workflow.objects.get(pk=workflow.pk).name) == "Revisión jurídica"


def test_the_history_names_the_workflow_in_the_readers_language(client):
    author = make_member("focal_point", government_code="GT", language="es")
    practice = make_practice("GT", author=author, live=False)
    with translation.override("fr"):
        submit_for_review(practice, by=author)
    entry = PageLogEntry.objects.filter(page=practice, action="wagtail.workflow.start").get()
    assert entry.data["workflow"]["title"] == REVIEW_WORKFLOW  # recorded as stored, whoever submitted
    assert entry.data["workflow"]["next"]["title"] == REVIEW_TASK
    client.force_login(author)
    body = client.get(f"/admin/pages/{practice.pk}/history/").content.decode()
    assert SHOWN["es"][0] in body and SHOWN["es"][1] in body
    assert REVIEW_WORKFLOW not in body and REVIEW_TASK not in body


def test_the_reviewers_screens_name_the_workflow_in_their_language(client):
    author = make_member("focal_point", government_code="GT", language="es")
    practice = make_practice("GT", author=author, live=False)
    submit_for_review(practice, by=author)
    client.force_login(make_member("coordinator", language="fr"))
    urls = [
        "/admin/",  # "awaiting your review"
        f"/admin/pages/{practice.pk}/edit/",  # the status side panel
        f"/admin/pages/{practice.pk}/workflow_history/",
        "/admin/reports/workflow/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert SHOWN["fr"][1] in body, url
        assert REVIEW_WORKFLOW not in body and REVIEW_TASK not in body, url
