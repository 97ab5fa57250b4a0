"""What may be in a text a person types or imports: one rule for forms, requests and imports.

Three classes of characters that no one can see are handled differently:

- Control characters (Unicode category Cc: NUL, ESC, DEL, C1 …) other than tab, line feed and
  carriage return are refused. PostgreSQL cannot store NUL at all, and the others corrupt
  exports and terminals.
- Bidirectional controls (the Unicode property Bidi_Control: embeddings, overrides, isolates
  and the direction marks) are refused: U+202E shows "txt.exe" for "exe.txt", so a name could
  read as something other than what is stored and searched for.
- Every other format character (category Cf: zero-width space and joiners, the BOM, the soft
  hyphen, word joiner, tag characters …) is stripped: pasted from Word, a web page or a BOM-led
  file they make two equal-looking names differ, and they carry no meaning in our data.

Callers add where the text was (a form shows the field's label, the importer the
sheet/row/column); the messages here say only what is wrong.
"""

import unicodedata

from django import forms

# Bidi_Control (PropList.txt): ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\t\n\r")


class TextError(ValueError):
    """A text refused; the message is Chinese and says which character and why."""


def _codepoint(char):
    return f"U+{ord(char):04X}"


def control_character(value):
    """The first refused control character of `value`, or None."""
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS:
            return char
    return None


def clean(value):
    """`value` with invisible format characters removed; raises TextError for control and
    direction-changing characters."""
    if value.isprintable():
        return value  # the common case: Python counts every Cc and Cf character as not printable
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            raise TextError(f"含有控制字符（{_codepoint(char)}），请删除后重新填写")
        if char in BIDI_CONTROLS:
            raise TextError(f"含有改变文字显示方向的字符（{_codepoint(char)}），显示的内容会与实际内容不同，"
                            "请删除后重新填写")
        if category != "Cf":
            kept.append(char)
    return "".join(kept)


def strip_invisible(value):
    """`value` without any format or control character: for what is matched, never kept
    (a header cell of an imported sheet)."""
    if value.isprintable():
        return value
    return "".join(char for char in value if unicodedata.category(char) not in ("Cc", "Cf"))


def form_value(value):
    """`clean` for what was typed into a form field: a refused character is the field's error."""
    try:
        return clean(value)
    except TextError as error:
        raise forms.ValidationError(str(error), code="invisible_character")


class CleanInput:
    """A form field mixin: what was typed is cleaned before the field reads it, so no refused
    character reaches a validator, a query or the database."""

    def to_python(self, value):
        return super().to_python(form_value(value) if isinstance(value, str) else value)


class TextFormField(CleanInput, forms.CharField):
    pass


class EmailFormField(CleanInput, forms.EmailField):
    pass


def formfield(db_field, **kwargs):
    """A ModelForm's form field for `db_field`, text fields cleaned (ModelForm Meta.formfield_callback)."""
    from django.db import models

    form_class = {models.CharField: TextFormField, models.TextField: TextFormField,
                  models.EmailField: EmailFormField}.get(type(db_field))
    if form_class and not db_field.choices:
        kwargs.setdefault("form_class", form_class)
    return db_field.formfield(**kwargs)


# Quotation marks as Chinese writes them: “ ” outside, ‘ ’ inside, then “ ” again.
OPENING_QUOTES = "“‘"
CLOSING_QUOTES = "”’"
QUOTE_PAIRS = (("“", "”"), ("‘", "’"))


def nest_quotes(value):
    """Quotes inside quotes turned the Chinese way: “实干争先“奔跑者”奖” → “实干争先‘奔跑者’奖”.

    Marks at even depth are “ ”, at odd depth ‘ ’, whichever the text used. Text whose marks
    do not pair up (an apostrophe, a quote left open) is returned unchanged. Each mark is
    replaced by one mark, so the length is kept (a paragraph's parts can be cut back out).
    """
    if not any(mark in value for mark in OPENING_QUOTES):
        return value
    out, depth = [], 0
    for char in value:
        if char in OPENING_QUOTES:
            out.append(QUOTE_PAIRS[depth % 2][0])
            depth += 1
        elif char in CLOSING_QUOTES:
            if depth == 0:
                return value
            depth -= 1
            out.append(QUOTE_PAIRS[depth % 2][1])
        else:
            out.append(char)
    return "".join(out) if depth == 0 else value
