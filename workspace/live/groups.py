"""Channel-layer group names, defined once.

A page's group is keyed by its translation key, so the Spanish, English and French versions of a
page are one live audience (one conversation per page across languages). A member's group holds
every socket of theirs: the bell and each page they have open.
"""


def member_group(user_id):
    return f"member-{user_id}"


def page_group(translation_key):
    """The group of every socket open on any language version of a page."""
    return f"page-{str(translation_key).replace('-', '')}"
