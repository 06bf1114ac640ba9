"""HTTP endpoints of work plans: thin adapters over services, exports and the dashboard filter.

Posting progress works without JavaScript (a redirect back to the activity with a message) and
with it (`Accept: application/json`: the rendered activity fragment). Errors: 400 with the form's
messages, 404 for a plan or activity the member may not report on.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workspace.accounts.middleware import member_required

from . import exports, services
from .access import access_plan_by_id, access_plan_for_report
from .dashboard import dashboard_for_request
from .forms import ProgressForm


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@member_required
@require_POST
def report_progress(request, plan_id):
    plan = access_plan_for_report(request.user, plan_id)
    pillars = plan.structure()
    services.attach_progress(plan, pillars, history=False)
    activities = {activity.uuid: activity for pillar in pillars for activity in pillar.activities()}
    activity = activities.get(request.POST.get("activity", "").strip())
    if activity is None:
        raise Http404(_("This activity is not in the approved plan."))
    form = ProgressForm(request.POST, request.FILES, activity=activity)
    if form.is_valid():
        try:
            update = services.record_progress(
                plan=plan,
                activity_uuid=activity.uuid,
                by=request.user,
                status=form.cleaned_data["status"],
                percent_complete=form.cleaned_data["percent_complete"],
                indicator_values=form.indicator_values(),
                note=form.cleaned_data["note"],
                evidence_file=form.cleaned_data.get("evidence"),
            )
        except ValidationError as error:
            return refuse(request, plan=plan, activity=activity, form=form, errors=error.messages)
    else:
        errors = [
            f"{form[name].label}: {message}" if name in form.fields else message
            for name, field_errors in form.errors.items()
            for message in field_errors
        ]
        return refuse(request, plan=plan, activity=activity, form=form, errors=errors)

    message = _("Progress recorded on “%(activity)s”.") % {"activity": activity.title}
    if wants_json(request):
        fresh = services.activity_with_progress(plan, activity.uuid)
        html = services.render_activity_progress(plan=plan, activity=fresh, viewer=request.user, request=request)
        return JsonResponse({"sequence": update.sequence, "activity": activity.uuid, "html": html, "message": message})
    messages.success(request, message)
    return HttpResponseRedirect(f"{plan.get_url(request)}#{activity.anchor}")


def refuse(request, *, plan, activity, form, errors):
    errors = [str(error) for error in errors]
    if wants_json(request):
        return JsonResponse({"message": " ".join(errors), "errors": errors, "fields": form.errors}, status=400)
    context = {"plan": plan, "activity": activity, "form": form, "errors": errors}
    return render(request, "workplans/progress_refused.html", context, status=400)


@member_required
@require_GET
def activity_history(request, plan_id, activity_uuid):
    """An activity's progress updates, newest first, a page at a time; with `?fragment=1` the
    latest few, for the history opened on the plan page (workplans.js)."""
    plan = access_plan_by_id(request.user, plan_id)
    found = services.activity_history(plan, activity_uuid)
    if found is None:
        raise Http404(_("This activity is not in the plan."))
    title, updates = found
    fragment = request.GET.get("fragment") == "1"
    paginator = Paginator(updates, services.HISTORY_SHOWN if fragment else services.HISTORY_PER_PAGE)
    context = {
        "plan": plan,
        "activity_uuid": activity_uuid,
        "activity_title": title,
        "page_obj": paginator.get_page(1 if fragment else request.GET.get("page")),
        "history_url": reverse("workplans:activity_history", args=[plan.pk, activity_uuid]),
    }
    template = "workplans/includes/activity_history_fragment.html" if fragment else "workplans/activity_history.html"
    with translation.override(plan.locale.language_code):  # the plan's language, as on its page
        return render(request, template, context)


@member_required
@require_GET
def export_plan(request, plan_id, file_format):
    if file_format not in exports.FORMATS:
        raise Http404(_("Unknown export format."))
    plan = access_plan_by_id(request.user, plan_id)
    return exports.plan_export(plan, file_format)


@member_required
@require_GET
def export_dashboard(request, file_format):
    if file_format not in exports.FORMATS:
        raise Http404(_("Unknown export format."))
    dashboard = dashboard_for_request(request)
    return exports.dashboard_export(dashboard, file_format)
