"""The member's notification centre: thin views over `services`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from workspace.accounts.middleware import member_required

from . import services
from .forms import NotificationPreferencesForm
from .kinds import kind_of
from .models import Notification, NotificationPreferences

NOTIFICATIONS_PER_PAGE = 20


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def share_related_rows(notifications):
    """One object per page (its access rule and specific row are then read once, however many
    notices name it), and the authors of the targets that have one, read in one query: the
    list's queries do not grow with the number of notices."""
    notifications = list(notifications)
    pages = {}
    for notification in notifications:
        if notification.page_id:
            notification.page = pages.setdefault(notification.page_id, notification.page)
    by_model = {}
    for notification in notifications:
        target = notification.target
        if target is not None:
            by_model.setdefault(type(target), []).append(target)
    for model, targets in by_model.items():
        field = next((field for field in model._meta.concrete_fields if field.name == "author"), None)
        if field is not None and field.is_relation:
            prefetch_related_objects(targets, "author")


@member_required
@require_GET
def notification_list(request):
    """Newest first; a notice about something the member can no longer open is listed without its text."""
    paginator = Paginator(Notification.objects.filter(recipient=request.user).for_listing(), NOTIFICATIONS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    share_related_rows(page_obj.object_list)
    visible = {}
    for notification in page_obj:
        key = (notification.kind, notification.page_id, notification.part)
        if key not in visible:
            visible[key] = services.may_see(request.user, notification)
        notification.viewer_can_see = visible[key]
        notification.excerpt = services.excerpt(notification) if notification.viewer_can_see else ""
        notification.line_template = kind_of(notification.kind).template
    context = {
        "page_obj": page_obj,
        "notifications": page_obj.object_list,
        "unread": services.unread_count(request.user.pk),
        "preferences_form": NotificationPreferencesForm(instance=NotificationPreferences.for_member(request.user)),
    }
    return render(request, "notifications/notification_list.html", context)


@member_required
@require_POST
def open_notification(request, notification_id):
    """Mark one notification read and go to what it is about (or back to the list if out of reach)."""
    notification = get_object_or_404(
        Notification.objects.select_related("page"), pk=notification_id, recipient=request.user
    )
    services.mark_read(member=request.user, notification_ids=[notification.pk])
    if not services.may_see(request.user, notification):
        return redirect("notifications:list")
    return HttpResponseRedirect(services.target_url(notification, request))


@member_required
@require_POST
def read(request, notification_id):
    get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(member=request.user, notification_ids=[notification_id])
    return done(request, _("Marked as read."))


@member_required
@require_POST
def read_all(request):
    services.mark_read(member=request.user)
    return done(request, _("All notifications are marked as read."))


def done(request, message):
    if wants_json(request):
        return JsonResponse({"unread": services.unread_count(request.user.pk), "message": str(message)})
    messages.success(request, message)
    return redirect("notifications:list")


@member_required
@require_POST
def preferences(request):
    form = NotificationPreferencesForm(request.POST, instance=NotificationPreferences.for_member(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
    return redirect("notifications:list")
