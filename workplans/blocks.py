"""The structure of a work plan: objectives → activities → indicators, as StreamField blocks.

Every objective is a top-level block of its pillar's StreamField and every activity and
indicator an item of a ListBlock: Wagtail gives each of them a UUID (`block.id`) that is stored
in every revision, kept when a draft is published and when a page is translated. Progress,
discussions and links point at that id (docs/architecture.md, "Work plans").
"""

from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS as DJANGO_MONTHS
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

# Django's own month names (a project catalogue entry for "March" would rename the month in every date).
MONTHS = sorted(DJANGO_MONTHS.items())

CURRENCIES = [
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
    ("BZD", _("Belize dollar (BZD)")),
    ("CRC", _("Costa Rican colón (CRC)")),
    ("DOP", _("Dominican peso (DOP)")),
    ("GTQ", _("Guatemalan quetzal (GTQ)")),
    ("HTG", _("Haitian gourde (HTG)")),
    ("HNL", _("Honduran lempira (HNL)")),
    ("MXN", _("Mexican peso (MXN)")),
    ("PAB", _("Panamanian balboa (PAB)")),
]


class IndicatorBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Indicator"), max_length=250, help_text=_("What you will count or measure."))
    unit = blocks.CharBlock(
        label=_("Unit"), max_length=60, required=False, help_text=_("For example: people trained, protocols, %.")
    )
    baseline = blocks.DecimalBlock(
        label=_("Baseline"), required=False, min_value=0, help_text=_("The value at the start of the year.")
    )
    target = blocks.DecimalBlock(label=_("Target"), min_value=0, help_text=_("The value you aim for by year end."))
    means_of_verification = blocks.CharBlock(
        label=_("Means of verification"),
        max_length=250,
        required=False,
        help_text=_("The document or record that will prove the value (lists, reports, minutes)."),
    )

    class Meta:
        icon = "tasks"
        label = _("Indicator")


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Activity"), max_length=250, help_text=_("A short name: what will be done."))
    description = blocks.TextBlock(label=_("Description"), required=False)
    responsible_institutions = blocks.TextBlock(
        label=_("Responsible institutions"), required=False, help_text=_("One institution per line.")
    )
    start_month = blocks.ChoiceBlock(label=_("Start month"), choices=MONTHS, default=1)
    end_month = blocks.ChoiceBlock(label=_("End month"), choices=MONTHS, default=12)
    target_group = blocks.CharBlock(
        label=_("Target group"), max_length=250, required=False, help_text=_("Who the activity serves.")
    )
    budget_amount = blocks.DecimalBlock(
        label=_("Budget estimate"), required=False, min_value=0, help_text=_("Optional. An estimate is enough.")
    )
    budget_currency = blocks.ChoiceBlock(label=_("Currency"), choices=CURRENCIES, default="USD", required=False)
    indicators = blocks.ListBlock(IndicatorBlock(), label=_("Indicators"), default=[])
    best_practices = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="site.BestPracticePage", label=_("Best practice")),
        label=_("Related best practices"),
        default=[],
    )
    predecessor = blocks.CharBlock(
        label=_("Continues the activity"),
        required=False,
        max_length=36,
        help_text=_("Filled in when the plan is started from last year's plan. Leave it as it is."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Activity")

    def clean(self, value):
        value = super().clean(value)
        start, end = value.get("start_month"), value.get("end_month")
        if start and end and int(end) < int(start):
            raise StructBlockValidationError(
                block_errors={"end_month": ValidationError(_("The end month cannot be before the start month."))}
            )
        return value


class ObjectiveBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Objective"), max_length=250, help_text=_("What the government wants to achieve."))
    description = blocks.TextBlock(label=_("Description"), required=False)
    activities = blocks.ListBlock(ActivityBlock(), label=_("Activities"), default=[])

    class Meta:
        icon = "pick"
        label = _("Objective")


class PillarPlanBlock(blocks.StreamBlock):
    objective = ObjectiveBlock()

    class Meta:
        block_counts = {}
