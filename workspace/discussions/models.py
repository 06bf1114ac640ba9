"""Threads of comments attached to pages (or a part of a page), and their replay log.

Every change to a thread (a comment posted, edited, deleted, hidden or restored, the thread
locked or unlocked) is a `ThreadEvent` with the thread's next `sequence`, written in the same
transaction as the change. Live clients replay that log from the last sequence they saw, so the
channel layer may drop a broadcast without losing anything (docs/realtime.md).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.live.groups import page_group
from workspace.live.models import SequencedStream

EDIT_WINDOW = timedelta(minutes=15)
# The one definition of a moderator: this permission, which the Coordinators group holds.
MODERATE_PERMISSION = "discussions.moderate_comment"


def is_moderator(user):
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(MODERATE_PERMISSION))


ANCHOR_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class Thread(SequencedStream):
    """One conversation about a page, or a declared part of it, shared by its language versions.

    Keyed by the page's translation key and the anchor, so the Spanish, English and French versions
    of a practice are one discussion. `page` is the version it started on (for listings and links).
    """

    # Not content: no "usage" to show in the admin, and no reference-index writes on every post.
    wagtail_reference_index_ignore = True

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="discussion_threads"
    )
    translation_key = models.UUIDField(_("page (all languages)"), editable=False, db_index=True)
    anchor = models.CharField(
        _("anchor"),
        max_length=100,
        blank=True,
        help_text=_("The part of the page discussed, e.g. “activity-3f2a…”; empty for the page itself."),
    )
    locked = models.BooleanField(_("locked"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.UniqueConstraint(fields=["translation_key", "anchor"], name="discussions_thread_key_anchor")
        ]

    def __str__(self):
        title = self.page.title if self.page_id else "?"
        return f"{title} · {self.anchor}" if self.anchor else title

    def save(self, *args, **kwargs):
        if self.translation_key is None and self.page_id:
            self.translation_key = self.page.translation_key
        super().save(*args, **kwargs)

    @property
    def group_name(self):
        """The live group of every socket on any language version of the page."""
        return page_group(self.translation_key)

    @property
    def stream_name(self):
        return f"discussion:{self.anchor}"


class CommentQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def for_display(self):
        return self.select_related("author", "hidden_by").order_by("sequence")


class Comment(models.Model):
    wagtail_reference_index_ignore = True

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("body"), help_text=_("Sanitised HTML."))
    sequence = models.PositiveBigIntegerField(_("sequence"), editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    edited = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["thread", "sequence"]
        # Hide and restore in the moderation queue (the services also require a coordinator).
        permissions = [("moderate_comment", _("Can hide and restore comments"))]
        constraints = [
            models.UniqueConstraint(fields=["thread", "sequence"], name="discussions_comment_thread_sequence"),
            models.UniqueConstraint(
                fields=["thread", "author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="discussions_comment_idempotency_key",
            ),
        ]

    def __str__(self):
        return _("Comment %(number)s by %(author)s") % {"number": self.pk, "author": self.author}

    @property
    def anchor_id(self):
        return f"comment-{self.pk}"

    @property
    def is_visible(self):
        return not (self.deleted or self.hidden)

    def can_be_edited_by(self, user, *, now=None):
        now = now or timezone.now()
        return (
            user.pk == self.author_id
            and self.is_visible
            and (not self.thread.locked or is_moderator(user))
            and now - self.created <= EDIT_WINDOW
        )

    def can_be_deleted_by(self, user):
        return user.pk == self.author_id and not self.deleted


class CommentRevision(models.Model):
    """A body a comment had before an edit; coordinators can read the history."""

    wagtail_reference_index_ignore = True

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("body"))
    created = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")
        ordering = ["comment", "created", "pk"]

    def __str__(self):
        return _("Revision of comment %(number)s") % {"number": self.comment_id}


class ThreadEvent(models.Model):
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        POSTED = "posted", _("posted")
        EDITED = "edited", _("edited")
        DELETED = "deleted", _("deleted")
        HIDDEN = "hidden", _("hidden")
        RESTORED = "restored", _("restored")
        LOCKED = "locked", _("locked")
        UNLOCKED = "unlocked", _("unlocked")

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveBigIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("thread event")
        verbose_name_plural = _("thread events")
        ordering = ["thread", "sequence"]
        constraints = [models.UniqueConstraint(fields=["thread", "sequence"], name="discussions_event_thread_sequence")]

    def __str__(self):
        return f"{self.thread_id}#{self.sequence} {self.kind}"


class Flag(models.Model):
    wagtail_reference_index_ignore = True

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFFENSIVE = "offensive", _("Offensive")
        OFF_TOPIC = "off_topic", _("Off-topic")
        CONFIDENTIAL = "confidential", _("Confidential information")

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="comment_flags"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [models.UniqueConstraint(fields=["comment", "member"], name="discussions_flag_once_per_member")]

    def __str__(self):
        return f"{self.comment} · {self.get_reason_display()}"


class Follow(models.Model):
    """A member follows a thread: new comments in it notify them. Posting in a thread follows it."""

    wagtail_reference_index_ignore = True

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="followed_threads"
    )
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="follows")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("followed discussion")
        verbose_name_plural = _("followed discussions")
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="discussions_follow_once")]

    def __str__(self):
        return f"{self.member} → {self.thread}"
