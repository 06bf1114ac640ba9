"""A plan, or the dashboard's filtered activity list, as CSV or XLSX (numbers as numbers).

CSV: one row per activity (UTF-8 with a byte-order mark, so that spreadsheet programs read the
accents). XLSX: the same sheet of activities and a sheet of indicators (baseline, target, current).
"""

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from workspace.core.reference import GOVERNMENTS_BY_CODE

from .services import attach_progress

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def activity_header():
    return [
        _("Government"),
        _("Year"),
        _("Pillar"),
        _("Objective"),
        _("Activity"),
        _("Status"),
        _("Percent complete"),
        _("Start month"),
        _("End month"),
        _("Responsible institutions"),
        _("Target group"),
        _("Budget estimate"),
        _("Currency"),
        _("Activity id"),
    ]


def indicator_header():
    return [
        _("Government"),
        _("Year"),
        _("Pillar"),
        _("Activity"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Current value"),
        _("Indicator id"),
    ]


def _activity_row(government, year, activity):
    return [
        government,
        year,
        activity.pillar,
        activity.objective_title,
        activity.title,
        str(activity.status_label),
        activity.percent_complete,
        activity.start_month,
        activity.end_month,
        "; ".join(activity.responsible_institutions),
        activity.target_group,
        activity.budget_amount,
        activity.budget_currency if activity.budget_amount is not None else "",
        activity.uuid,
    ]


def _indicator_rows(government, year, activity):
    return [
        [
            government,
            year,
            activity.pillar,
            activity.title,
            indicator.name,
            indicator.unit,
            indicator.baseline,
            indicator.target,
            current,
            indicator.uuid,
        ]
        for indicator, current in activity.indicator_rows()
    ]


def _respond(file_format, filename, activity_rows, indicator_rows):
    if file_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(activity_header())
        writer.writerows(["" if value is None else value for value in row] for row in activity_rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Activities")[:31]
        sheet.append(activity_header())
        for row in activity_rows:
            sheet.append(row)
        indicators = workbook.create_sheet(_("Indicators")[:31])
        indicators.append(indicator_header())
        for row in indicator_rows:
            indicators.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _government_name(code):
    government = GOVERNMENTS_BY_CODE.get(code)
    return government.names["es"] if government else code or ""


def plan_export(plan, file_format):
    government = plan.government()
    code = government.code if government else ""
    name = _government_name(code)
    pillars = plan.structure()
    if plan.live:
        attach_progress(plan, pillars, history=False)
    activities = [activity for pillar in pillars for activity in pillar.activities()]
    activity_rows = [_activity_row(name, plan.year, activity) for activity in activities]
    indicator_rows = [row for activity in activities for row in _indicator_rows(name, plan.year, activity)]
    filename = f"{slugify(_('work plan'))}-{slugify(name)}-{plan.year}"
    return _respond(file_format, filename, activity_rows, indicator_rows)


def dashboard_export(dashboard, file_format):
    activity_rows = [_activity_row(row.government_name, row.year, row.activity) for row in dashboard.rows]
    indicator_rows = [
        line for row in dashboard.rows for line in _indicator_rows(row.government_name, row.year, row.activity)
    ]
    scope = slugify(_government_name(dashboard.government_code)) if dashboard.government_code else slugify(_("region"))
    filename = f"{slugify(_('work plans'))}-{scope}-{dashboard.year}"
    return _respond(file_format, filename, activity_rows, indicator_rows)
