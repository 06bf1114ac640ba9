"""The replayable history of a stream: a gapless, ordered sequence per stream, kept in the database."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class SequencedStream(models.Model):
    """A row that numbers the events of one stream (a discussion thread, a work plan's progress).

    Each event takes `allocate_sequence()` inside the transaction that records it. The UPDATE holds
    the row lock until commit (PostgreSQL; SQLite writes one transaction at a time), so numbers are
    unique, without gaps (a rollback returns the number) and committed in order: a reader who sees
    event n also sees every event before it. `select_for_update` is not used: it does nothing on
    SQLite.
    """

    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0, editable=False)

    class Meta:
        abstract = True

    def allocate_sequence(self):
        type(self).objects.filter(pk=self.pk).update(last_sequence=F("last_sequence") + 1)
        self.last_sequence = type(self).objects.values_list("last_sequence", flat=True).get(pk=self.pk)
        return self.last_sequence
