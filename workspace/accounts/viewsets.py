"""Members in Wagtail's admin: its user admin, routed through services.py, and focal-point designations.

Wagtail's own user admin stays (listing, filters, history); what changes is that its "active"
checkbox, the bulk "set active state" action and a dedicated Deactivate/Reactivate action all call
`deactivate_member` / `reactivate_member`, and group changes are audit-logged.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry
from wagtail.users.forms import UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, SetActiveStateBulkAction
from wagtail.users.views.bulk_actions.set_active_state import ActivityForm

from workspace.core.reference import GOVERNMENTS_BY_CODE, name_in

from . import services
from .forms import government_choices
from .models import COORDINATORS_GROUP, FOCAL_POINTS_GROUP_PREFIX, PARTICIPANTS_GROUP, FocalPointDesignation

User = get_user_model()


def can_manage_member(by, member):
    """Coordinators (the user admin's change permission) manage other members, never a superuser."""
    return (
        policy_registry.get_by_type(User).user_has_permission(by, "change")
        and by.pk != member.pk
        and (by.is_superuser or not member.is_superuser)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


# --- Wagtail's user admin, through the services -------------------------------------------------


class MemberEditForm(UserEditForm):
    deactivation_reason = forms.CharField(
        label=gettext_lazy("Reason for the deactivation"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Required when you untick “active”: it goes to the audit log."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        # Only superusers make superusers, set passwords (members reset their own) or change a
        # sign-in address (which, with a password reset, would hand over the account).
        self.by_superuser = for_user is None or for_user.is_superuser
        super().__init__(*args, **kwargs)
        if not self.by_superuser:
            self.fields.pop("is_superuser", None)
            self.fields["email"].disabled = True

    @property
    def password_enabled(self):
        return self.by_superuser and super().password_enabled

    def clean(self):
        cleaned_data = super().clean()
        groups = cleaned_data.get("groups") or []
        if sum(group.name.startswith(FOCAL_POINTS_GROUP_PREFIX) for group in groups) > 1:
            self.add_error("groups", _("A member belongs to one government at most."))
        deactivating = self.instance.pk and "is_active" in self.fields and not cleaned_data.get("is_active", True)
        if deactivating and self.initial.get("is_active") and not cleaned_data.get("deactivation_reason", "").strip():
            self.add_error("deactivation_reason", _("Give the reason for the deactivation."))
        return cleaned_data


class MemberEditView(wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied
        self.was_active = self.object.is_active
        self.groups_before = set(self.object.groups.values_list("name", flat=True))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        wants_active = self.form.instance.is_active
        # The checkbox is applied by the services below, not by the form's save.
        self.form.instance.is_active = self.was_active
        member = super().save_instance()
        services.record_group_change(member=member, before=self.groups_before, by=self.request.user)
        if self.was_active and not wants_active:
            services.deactivate_member(
                member=member, by=self.request.user, reason=self.form.cleaned_data["deactivation_reason"]
            )
        elif wants_active and not self.was_active:
            services.reactivate_member(member=member, by=self.request.user)
        return member


def group_label(group):
    """A role's group by its name in the reader's language ("Puntos focales · Guatemala")."""
    if group.name.startswith(FOCAL_POINTS_GROUP_PREFIX):
        code = group.name.removeprefix(FOCAL_POINTS_GROUP_PREFIX)
        government = GOVERNMENTS_BY_CODE.get(code)
        name = name_in(government.names, get_language()) if government else code
        return _("Focal points · %(government)s") % {"government": name}
    return {COORDINATORS_GROUP: _("Coordinators"), PARTICIPANTS_GROUP: _("Participants")}.get(group.name, group.name)


class MemberFilterSet(wagtail_users.UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail lists the groups by their stored (English) names.
        self.form.fields["group"].label_from_instance = group_label


class MemberIndexView(wagtail_users.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_manage_member(self.request.user, instance):
            action = "deactivate" if instance.is_active else "reactivate"
            label = _("Deactivate") if instance.is_active else _("Reactivate")
            url = reverse(f"wagtailusers_users:{action}", args=[instance.pk])
            buttons.append(
                MenuItem(label, url=url, icon_name="lock" if instance.is_active else "lock-open", priority=40)
            )
            buttons.append(
                MenuItem(
                    _("Reset two-factor authentication"),
                    url=reverse("wagtailusers_users:reset_mfa", args=[instance.pk]),
                    icon_name="key",
                    priority=45,
                )
            )
        return buttons


class MemberActivationView(WagtailAdminTemplateMixin, FormView):
    """Deactivate (or reactivate) one member, with a reason for the audit log."""

    form_class = ReasonForm
    template_name = "wagtailadmin/generic/form.html"
    header_icon = "user"
    deactivate = True

    def dispatch(self, request, pk):
        self.member = get_object_or_404(User, pk=pk)
        if not can_manage_member(request.user, self.member):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Deactivate member") if self.deactivate else _("Reactivate member")

    def get_page_subtitle(self):
        return str(self.member)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.deactivate:
            form.fields["reason"].required = False
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label=self.get_page_title(),
            **kwargs,
        )

    def form_invalid(self, form):
        # Wagtail's generic form template shows field errors only: refusals from the services
        # (nothing to do, oneself) are shown as messages.
        for error in form.non_field_errors():
            messages.error(self.request, error)
        return super().form_invalid(form)

    def form_valid(self, form):
        action = services.deactivate_member if self.deactivate else services.reactivate_member
        try:
            action(member=self.member, by=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.deactivate:
            messages.success(self.request, _("%(member)s was deactivated.") % {"member": self.member})
        else:
            messages.success(self.request, _("%(member)s was reactivated.") % {"member": self.member})
        return redirect("wagtailusers_users:index")


class MemberMFAResetView(MemberActivationView):
    """Remove a member's two-factor authentication after a lost device, with a reason for the audit log."""

    def get_page_title(self):
        return _("Reset two-factor authentication")

    def get_form(self, form_class=None):
        return super(MemberActivationView, self).get_form(form_class)

    def form_valid(self, form):
        try:
            services.reset_member_mfa(member=self.member, by=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The two-factor authentication of %(member)s was removed; they enrol again at their next sign-in.")
            % {"member": self.member},
        )
        return redirect("wagtailusers_users:index")


class MemberUserViewSet(wagtail_users.UserViewSet):
    index_view_class = MemberIndexView
    filterset_class = MemberFilterSet
    edit_view_class = MemberEditView
    edit_template_name = "accounts/admin/member_edit.html"

    def get_form_class(self, for_update=False):
        return MemberEditForm if for_update else super().get_form_class(for_update)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("deactivate/<int:pk>/", MemberActivationView.as_view(deactivate=True), name="deactivate"),
            path("reactivate/<int:pk>/", MemberActivationView.as_view(deactivate=False), name="reactivate"),
            path("reset-mfa/<int:pk>/", MemberMFAResetView.as_view(), name="reset_mfa"),
        ]


class ActivityWithReasonForm(ActivityForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Required to deactivate: it goes to the audit log."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("mark_as_active") is False and not cleaned_data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for the deactivation."))
        return cleaned_data


class MemberSetActiveStateBulkAction(SetActiveStateBulkAction):
    """Wagtail's bulk "set active state", one member at a time through the services."""

    form_class = ActivityWithReasonForm

    def check_perm(self, obj):
        return super().check_perm(obj) and (self.request.user.is_superuser or not obj.is_superuser)

    def get_execution_context(self):
        return {**super().get_execution_context(), "reason": self.cleaned_form.cleaned_data.get("reason", "")}

    @classmethod
    def execute_action(cls, objects, mark_as_active=False, user=None, reason="", **kwargs):
        changed = 0
        for member in objects:
            if member.is_active == mark_as_active or (user is not None and member.pk == user.pk):
                continue
            if mark_as_active:
                services.reactivate_member(member=member, by=user, reason=reason)
            else:
                services.deactivate_member(member=member, by=user, reason=reason)
            changed += 1
        return changed, 0


class MemberAssignRoleBulkAction(AssignRoleBulkAction):
    """Wagtail's bulk "assign role" (add a group), audit-logged like an edit."""

    def check_perm(self, obj):
        return super().check_perm(obj) and (self.request.user.is_superuser or not obj.is_superuser)

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, role=None, user=None, **kwargs):
        if role is None:
            return
        for member in objects:
            before = set(member.groups.values_list("name", flat=True))
            role.user_set.add(member)
            services.record_group_change(member=member, before=before, by=user)
        return len(objects), 0


# --- Focal-point designations ---------------------------------------------------------------------


class FocalPointDesignationForm(forms.ModelForm):
    """The member is chosen among active focal points, grouped by government."""

    class Meta:
        model = FocalPointDesignation
        fields = ["designation", "member"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        focal_points = (
            User.objects.filter(is_active=True, groups__name__startswith=FOCAL_POINTS_GROUP_PREFIX)
            .prefetch_related("groups")
            .order_by("last_name", "first_name", "email")
        )
        field = self.fields["member"]
        field.queryset = focal_points
        by_government = {}
        for member in focal_points:
            by_government.setdefault(member.government_code, []).append((member.pk, f"{member} <{member.email}>"))
        field.choices = [("", "---------")] + [
            (name, by_government[code]) for code, name in government_choices() if code in by_government
        ]

    def validate_unique(self):
        # Who holds which place is settled by designate_focal_point (it may move or replace a holder).
        pass


class DesignationServiceMixin:
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)


class DesignationCreateView(DesignationServiceMixin, generic.CreateView):
    def save_instance(self):
        return services.designate_focal_point(
            member=self.form.cleaned_data["member"],
            designation=self.form.cleaned_data["designation"],
            by=self.request.user,
            replace=True,
        )


class DesignationEditView(DesignationServiceMixin, generic.EditView):
    def save_instance(self):
        original = FocalPointDesignation.objects.get(pk=self.object.pk)
        member, designation = self.form.cleaned_data["member"], self.form.cleaned_data["designation"]
        if (original.member_id, original.designation) == (member.pk, designation):
            return original
        services.remove_designation(designation=original, by=self.request.user)
        return services.designate_focal_point(
            member=member, designation=designation, by=self.request.user, replace=True
        )


class DesignationDeleteView(generic.DeleteView):
    def delete_action(self):
        services.remove_designation(designation=self.object, by=self.request.user)


class FocalPointDesignationViewSet(ModelViewSet):
    model = FocalPointDesignation
    add_view_class = DesignationCreateView
    edit_view_class = DesignationEditView
    delete_view_class = DesignationDeleteView
    icon = "group"
    menu_label = gettext_lazy("Focal points")
    menu_order = 590
    add_to_admin_menu = True
    list_display = ["government_code", "designation", "member"]
    list_filter = ["government_code", "designation"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return FocalPointDesignationForm
