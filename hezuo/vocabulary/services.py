"""Keeping the office's aliases: which columns have them, adding and removing one."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from hezuo import access
from hezuo.text import TextError, clean
from hezuo.vocabulary import words
from hezuo.vocabulary.models import Alias
from hezuo.vocabulary.synonyms import SYNONYMS

REFERENCES = ("org.Unit", "org.Program")


@dataclass(frozen=True)
class Column:
    key: str
    title: str

    @property
    def is_reference(self):
        return self.key in REFERENCES

    def model(self):
        return apps.get_model(".".join(self.key.split(".")[:2]))

    def words(self):
        """What the column accepts, with every saved alias."""
        model = self.model()
        if self.is_reference:
            return words.for_names(model, dict(model.objects.order_by("pk").values_list("name", "pk")))
        return words.for_choice(model, self.key.split(".")[2])


def columns():
    """Every column an office can give aliases for, in a stable order."""
    found = []
    for key in REFERENCES:
        model = apps.get_model(key)
        found.append(Column(key, f"{model._meta.verbose_name}名称"))
    for key in SYNONYMS:
        app_model, field_name = key.rsplit(".", 1)
        model = apps.get_model(app_model)
        found.append(Column(key, f"{model._meta.verbose_name}·{model._meta.get_field(field_name).verbose_name}"))
    return found


def column(key):
    return next((c for c in columns() if c.key == key), None)


@dataclass(frozen=True)
class Synonym:
    label: str
    text: str


def synonyms_of(target):
    """The built-in synonyms of a column's values, as written in synonyms.py."""
    if target.is_reference:
        return []
    return [Synonym(label, text) for label, texts in SYNONYMS.get(target.key, {}).items() for text in texts]


@transaction.atomic
def save_alias(user, key, text, label):
    """Say once that `text` means `label` in column `key`. Refused (ValidationError, Chinese)
    when the word already means something there."""
    access.check_manage_aliases(user)
    target = column(key)
    if target is None:
        raise ValidationError({"field": "没有这个字段"})
    try:
        text = clean(text).strip()
    except TextError as error:
        raise ValidationError({"text": str(error)})
    if not text:
        raise ValidationError({"text": "请填写别名"})
    accepted = target.words()
    if label not in accepted.labels:
        raise ValidationError({"label": "请选择别名的含义"})
    try:
        meant = accepted.label(text)
    except words.UnknownWord:
        meant = None
    if meant is not None:
        raise ValidationError({"text": f"“{text}”已表示“{meant}”，不需要别名"})
    return Alias.objects.create(field=key, text=text, value=str(accepted.labels[label]),
                                created_by=user if user is not None and user.is_authenticated else None)


@transaction.atomic
def delete_alias(user, alias):
    access.check_manage_aliases(user)
    alias.delete()
