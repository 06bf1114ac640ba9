"""Members of the workspace.

A member's role is the group they belong to (Coordinators, Participants or one of the nine
"Focal points · <CODE>" groups); the focal-point group also says which government they belong
to. Nothing else records roles, so the groups that Wagtail's page permissions read can never
drift from what the site believes. Language and time-zone preferences live on Wagtail's own
UserProfile, which the admin already reads.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

COORDINATORS_GROUP = "Coordinators"
PARTICIPANTS_GROUP = "Participants"
FOCAL_POINTS_GROUP_PREFIX = "Focal points · "


def focal_points_group_name(government_code):
    return f"{FOCAL_POINTS_GROUP_PREFIX}{government_code}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", pgettext_lazy("member role", "Coordinator")
        FOCAL_POINT = "focal_point", pgettext_lazy("member role", "Focal point")
        PARTICIPANT = "participant", pgettext_lazy("member role", "Participant")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @cached_property
    def member_facts(self):
        """What every request asks about the member: group names, zone and language preferences,
        permissions. Read once per request object, from the cache when it has them (keyed by the
        member's version, bumped when their groups, permissions, profile or row change, and by the
        groups' version: `accounts.caching`). Installs Django's permission cache on the member, so
        `has_perm` asks no query either."""
        from workspace.core import memo

        facts = memo.get_or_build(
            "member", self.pk, namespaces=(f"member:{self.pk}", "groups"), build=self._read_member_facts
        )
        if self.is_active and not hasattr(self, "_perm_cache"):
            self._perm_cache = set(facts["permissions"])
        return facts

    @cached_property
    def _page_permission_cache(self):
        """Wagtail's page permission policy keeps the member's page permissions in this attribute:
        read from the shared cache (namespaces "page-permissions" and "pages", bumped by the site
        room when a group's page permissions change or a page is saved or moved: they hold paths)."""
        from wagtail.permissions import page_permission_policy

        from workspace.core import memo

        return memo.get_or_build(
            "page-permissions-of",
            self.pk,
            namespaces=(f"member:{self.pk}", "groups", "page-permissions", "pages"),
            build=lambda: list(page_permission_policy.get_all_permissions_for_user(self)),
        )

    def _read_member_facts(self):
        from django.contrib.auth.backends import ModelBackend

        profile = self.profile
        return {
            "group_names": {group.name for group in self.groups.all()},
            "time_zone": (profile.current_time_zone if profile else "") or "",
            "preferred_language": (profile.preferred_language if profile else "") or "",
            "permissions": set(ModelBackend().get_all_permissions(self)) if self.is_active else set(),
        }

    @property
    def group_names(self):
        if not self.pk:
            return set()
        return self.member_facts["group_names"]

    @property
    def government_code(self):
        """The government a focal point belongs to, read from their focal-point group."""
        for name in self.group_names:
            if name.startswith(FOCAL_POINTS_GROUP_PREFIX):
                return name.removeprefix(FOCAL_POINTS_GROUP_PREFIX)
        return None

    @property
    def role(self):
        if COORDINATORS_GROUP in self.group_names:
            return self.Role.COORDINATOR
        if self.government_code:
            return self.Role.FOCAL_POINT
        return self.Role.PARTICIPANT

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR

    def get_role_display(self):
        return self.Role(self.role).label

    @cached_property
    def profile(self):
        """Wagtail's profile, or None: reading a preference must not write a row."""
        from wagtail.users.models import UserProfile

        try:
            return self.wagtail_userprofile
        except UserProfile.DoesNotExist:
            return None

    @property
    def time_zone(self):
        """The zone times are shown in: the member's choice, else their government's."""
        from workspace.core.reference import GOVERNMENTS_BY_CODE

        if self.pk and self.member_facts["time_zone"]:
            return self.member_facts["time_zone"]
        government = GOVERNMENTS_BY_CODE.get(self.government_code)
        return government.time_zone if government else settings.WORKSPACE_DEFAULT_TIME_ZONE

    @property
    def preferred_language(self):
        return (self.pk and self.member_facts["preferred_language"]) or None


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A coordinator's invitation to join the workspace with a role (and a government).

    Only a SHA-256 hash of the link's token is stored, so the table cannot be used to sign up.
    """

    VALID_FOR = timedelta(days=7)

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    government_code = models.CharField(_("government"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="es")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_usable(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self):
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("pending")


class FocalPointDesignation(models.Model):
    """Which of a government's focal points is its primary and which its alternate.

    Not a second record of the role: a designation only points at a member whose focal-point group
    says they belong to `government_code`, and it is removed when they leave that group or are
    deactivated (services.py keeps the two in step).
    """

    class Designation(models.TextChoices):
        PRIMARY = "primary", _("Primary focal point")
        ALTERNATE = "alternate", _("Alternate focal point")

    government_code = models.CharField(_("government"), max_length=2, editable=False)
    designation = models.CharField(_("designation"), max_length=9, choices=Designation.choices)
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focal_point_designation",
        verbose_name=_("member"),
    )

    class Meta:
        verbose_name = _("focal point designation")
        verbose_name_plural = _("focal point designations")
        ordering = ["government_code", "designation"]
        constraints = [
            models.UniqueConstraint(
                fields=["government_code", "designation"], name="accounts_one_designation_per_government"
            ),
            models.CheckConstraint(
                condition=models.Q(designation__in=["primary", "alternate"]), name="accounts_designation_known"
            ),
        ]

    def __str__(self):
        return f"{self.government_code} · {self.get_designation_display()}: {self.member}"
