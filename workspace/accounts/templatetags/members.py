from django import template

from ..models import FocalPointDesignation

register = template.Library()


@register.simple_tag
def focal_point_designations(government_code):
    """{"primary": member, "alternate": member} for a government, in one query (active members only)."""
    designations = FocalPointDesignation.objects.filter(
        government_code=government_code, member__is_active=True
    ).select_related("member")
    return {designation.designation: designation.member for designation in designations}
