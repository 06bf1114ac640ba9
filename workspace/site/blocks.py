"""StreamField blocks of a best practice: text, image, document, quote, key figure, table.

Every block renders with a template in `templates/blocks/`; none needs JavaScript, so the
practice page stays light on slow links.
"""

import re

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=250,
        help_text=_("Describe the image for people who cannot see it. Leave empty if it is decorative."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=250)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("figure"), max_length=40, help_text=_("For example “1,250” or “87 %”."))
    label = blocks.CharBlock(label=_("what it counts"), max_length=200)
    source = blocks.CharBlock(label=_("source"), required=False, max_length=250)

    class Meta:
        icon = "order"
        label = _("Key figure")
        template = "blocks/key_figure_block.html"


CELL_SEPARATOR = re.compile(r"\t|\s*\|\s*")


class TableValue(blocks.StructValue):
    def rows(self):
        """The table as a list of rows of cells (tab- or “|”-separated lines)."""
        lines = [line for line in (self.get("data") or "").splitlines() if line.strip()]
        return [[cell.strip() for cell in CELL_SEPARATOR.split(line.strip().strip("|"))] for line in lines]

    def header(self):
        rows = self.rows()
        return rows[0] if rows and self.get("first_row_is_header") else []

    def body_rows(self):
        rows = self.rows()
        return rows[1:] if rows and self.get("first_row_is_header") else rows


class TableBlock(blocks.StructBlock):
    """A plain table: paste cells from a spreadsheet (tab-separated) or separate them with “|”.

    Wagtail's TableBlock needs its app installed and a JavaScript grid in the editor; this one
    works in any browser and renders as an accessible HTML table.
    """

    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)
    first_row_is_header = blocks.BooleanBlock(label=_("the first row is a header"), required=False, default=True)
    data = blocks.TextBlock(
        label=_("rows"),
        help_text=_("One row per line. Paste from a spreadsheet, or separate the cells with “|”."),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "blocks/table_block.html"
        value_class = TableValue


class PracticeBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, template="blocks/text_block.html")
    image = ImageBlock()
    document = DocumentBlock()
    quote = QuoteBlock()
    key_figure = KeyFigureBlock()
    table = TableBlock()


class KeyFiguresBlock(blocks.StreamBlock):
    figure = KeyFigureBlock()
