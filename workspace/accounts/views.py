from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .adapter import INVITATION_SESSION_KEY
from .forms import InvitationForm, ProfileForm
from .models import Invitation


def manage_invitations(view):
    """Coordinators only: anonymous visitors are sent to sign in, other members get 403."""
    return login_required(permission_required("accounts.add_invitation", raise_exception=True)(view))


def accept_invitation(request, token):
    """Follow an invitation link: remember it in the session and continue to allauth's signup."""
    invitation = services.find_usable_invitation(token)
    if invitation is None:
        return render(request, "account/invitation_invalid.html", status=410)
    get_adapter(request).stash_verified_email(request, invitation.email)
    request.session[INVITATION_SESSION_KEY] = invitation.pk
    return redirect("account_signup")


@manage_invitations
def invitation_list(request):
    form = InvitationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                government_code=form.cleaned_data["government_code"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:invitations")
    invitations = Paginator(Invitation.objects.select_related("invited_by"), 25).get_page(request.GET.get("page"))
    return render(request, "account/invitation_list.html", {"form": form, "invitations": invitations})


def _act_on_invitation(request, pk, action, success_message):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        action(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success_message % {"email": invitation.email})
    return redirect("accounts:invitations")


@require_POST
@manage_invitations
def resend_invitation(request, pk):
    return _act_on_invitation(request, pk, services.resend_invitation, _("A new link was sent to %(email)s."))


@require_POST
@manage_invitations
def revoke_invitation(request, pk):
    return _act_on_invitation(request, pk, services.revoke_invitation, _("The invitation to %(email)s was revoked."))


@login_required
def profile(request):
    """The member's own account page: their profile, and links to email, security and sessions."""
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile was saved."))
            response = redirect("account_profile")
            # The interface follows the language just chosen, as the switcher does.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
            return response
    return render(request, "account/profile.html", {"form": form})
