"""The edit box shows a comment as its author typed it, and saving it unchanged changes nothing."""

import pytest

from workspace.discussions.services import check_comment_body, editable_source


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Hola\n\nMundo", "Hola\n\nMundo"),
        ("Primera línea\nsegunda línea", "Primera línea\nsegunda línea"),
        ("Uno\n\n\n\nDos\ntres", "Uno\n\nDos\ntres"),
        ("5 < 6 & \"comillas\" 'simples'", "5 < 6 & \"comillas\" 'simples'"),
        ('<strong>Importante</strong>: ver <a href="https://example.org">el informe</a>', None),
    ],
)
def test_plain_text_comes_back_as_plain_text(typed, shown):
    stored = check_comment_body(typed)
    source = editable_source(stored)
    if shown is not None:
        assert source == shown
    assert "<p>" not in source and "<br>" not in source
    assert check_comment_body(source) == stored


def test_text_that_would_turn_into_markup_stays_escaped_so_saving_keeps_it():
    stored = check_comment_body("Escriban &lt;script&gt; en el formulario")
    source = editable_source(stored)
    assert "<script>" not in source
    assert check_comment_body(source) == stored


def test_lists_stay_as_markup():
    stored = check_comment_body("<ul><li>Capacitación</li><li>Alianzas</li></ul>")
    assert editable_source(stored) == stored
    assert check_comment_body(editable_source(stored)) == stored
