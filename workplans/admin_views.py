"""The one admin screen work plans add: confirm "Start next year's plan" (the rest is Wagtail's)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from .models import WorkPlanPage
from .services import start_next_year_plan


def start_next_year(request, page_id):
    plan = WorkPlanPage.objects.filter(pk=page_id).first()
    parent = plan.get_parent() if plan else None
    if plan is None or not parent.permissions_for_user(request.user).can_add_subpage():
        return permission_denied(request)
    if not plan.live and not plan.permissions_for_user(request.user).can_edit():
        return permission_denied(request)
    if request.method == "POST":
        try:
            new_plan = start_next_year_plan(plan=plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("wagtailadmin_pages:edit", plan.pk)
        messages.success(request, _("The plan for %(year)s was created as a draft.") % {"year": new_plan.year})
        return redirect("wagtailadmin_pages:edit", new_plan.pk)
    context = {
        "plan": plan,
        "next_year": plan.year + 1,
        "header_title": _("Start next year's plan"),
        "action_url": reverse("workplans_next_year", args=[plan.pk]),
        "back_url": reverse("wagtailadmin_pages:edit", args=[plan.pk]),
    }
    return TemplateResponse(request, "workplans/admin/start_next_year.html", context)
