"""The bell: what a member should know about, on any object of any room, and how they want email."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import kind_of


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def about(self, target):
        """Notifications whose target is this object."""
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)

    def for_listing(self):
        return (
            self.select_related("page", "actor", "target_type").prefetch_related("target").order_by("-created", "-pk")
        )


class Notification(models.Model):
    """One notice to one member, written by a room's service in the transaction of its cause.

    `kind` is a registered key (`kinds.register_kind`, e.g. "discussions.mention"); `page` and
    `part` say where it happened (the page, and an anchor on it), `target` what it is about (a
    comment, a meeting, a work plan…), `data` a few words to show (a reviewer's comment).
    """

    # Not content: no "usage" to show in the admin, and no reference-index writes on every post.
    wagtail_reference_index_ignore = True

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    part = models.CharField(_("part of the page"), max_length=100, blank=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_unread"),
            models.Index(fields=["target_type", "target_id"], name="notifications_target"),
        ]

    def __str__(self):
        return f"{self.kind_label} → {self.recipient}"

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def kind_label(self):
        return kind_of(self.kind).label

    def get_kind_display(self):
        return self.kind_label


class NotificationPreferences(models.Model):
    """Which emails a member wants; a member without a row has the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    email_mentions = models.BooleanField(_("email me at once when someone mentions me"), default=True)
    daily_digest = models.BooleanField(_("email me a daily digest of my other unread notifications"), default=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.member)

    @classmethod
    def for_member(cls, member):
        """The member's preferences, unsaved defaults when they never chose (reading writes nothing)."""
        return cls.objects.filter(member=member).first() or cls(member=member)
