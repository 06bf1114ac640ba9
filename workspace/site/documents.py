"""Who may download a document: a draft's attachments stay with those who may edit the draft.

Wagtail serves every document to any member (the root collection's LOGIN restriction); this
rule narrows it, asked by the `before_serve_document` hook (wagtail_hooks.py):
- a document used by a live page is open to every member who may view that page;
- a document used only by pages that are not live (a never-published practice) is open only to
  those Wagtail lets edit one of them: that government's focal points and the coordinators;
- a document used nowhere yet is open only to those who may edit it in the admin: its uploader,
  the focal points of the government whose collection holds it (a focal point can upload only
  into their own government's collection, so: the uploader's government) and the coordinators.
"Used" is what Wagtail's ReferenceIndex records for a page's own row (attachments, StreamField
blocks, rich-text links). It indexes no revisions, so a document added in a pending draft of a
live page counts as unused, hence private, until that draft is published.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry


def pages_using(document):
    """The pages (live or not) whose current row refers to the document."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    return Page.objects.filter(pk__in=[int(page_id) for page_id in page_ids])


def can_download_document(request, document):
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    pages = list(pages_using(document))
    if not pages:
        return policy_registry.get(document).user_has_permission_for_instance(user, "change", document)
    if any(page.live and _may_view(request, page) for page in pages):
        return True
    return any(page.permissions_for_user(user).can_edit() for page in pages)


def _may_view(request, page):
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())
