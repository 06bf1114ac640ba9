"""Invalidation of the members' cached facts (`User.member_facts`): by version, never by deleting.

A member's version changes when their row, profile, groups or own permissions change; the groups'
version (every member's facts) when a group is renamed or deleted or its permissions change.
Connected in `AccountsConfig.ready()`; these receivers only invalidate, they decide nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.users.models import UserProfile

from workspace.core import memo

CHANGES = {"post_add", "post_remove", "post_clear"}


def forget_member(user_id):
    memo.bump(f"member:{user_id}")


def _member_saved(sender, instance, **kwargs):
    forget_member(instance.pk)


def _profile_saved(sender, instance, **kwargs):
    forget_member(instance.user_id)


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in CHANGES:
        return
    if not reverse:
        forget_member(instance.pk)
    elif pk_set:
        memo.bump(*(f"member:{pk}" for pk in pk_set))
    else:
        memo.bump("groups")


def _groups_changed(sender, **kwargs):
    action = kwargs.get("action")
    if action is None or action in CHANGES:
        memo.bump("groups")


def connect():
    User = get_user_model()
    post_save.connect(_member_saved, sender=User, dispatch_uid="accounts.facts.user_saved")
    post_delete.connect(_member_saved, sender=User, dispatch_uid="accounts.facts.user_deleted")
    post_save.connect(_profile_saved, sender=UserProfile, dispatch_uid="accounts.facts.profile_saved")
    post_delete.connect(_profile_saved, sender=UserProfile, dispatch_uid="accounts.facts.profile_deleted")
    m2m_changed.connect(_membership_changed, sender=User.groups.through, dispatch_uid="accounts.facts.groups")
    m2m_changed.connect(
        _membership_changed, sender=User.user_permissions.through, dispatch_uid="accounts.facts.permissions"
    )
    m2m_changed.connect(_groups_changed, sender=Group.permissions.through, dispatch_uid="accounts.facts.group_perms")
    post_save.connect(_groups_changed, sender=Group, dispatch_uid="accounts.facts.group_saved")
    post_delete.connect(_groups_changed, sender=Group, dispatch_uid="accounts.facts.group_deleted")
    post_delete.connect(_groups_changed, sender=Permission, dispatch_uid="accounts.facts.permission_deleted")
