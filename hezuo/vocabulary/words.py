"""Turning a word a clerk typed into a dictionary value: the value's label, a built-in synonym
(synonyms.py), an alias the office saved (Alias), or a mapping given for one import — and
nothing else. Whatever is none of these is refused with the closest values suggested; nothing
here guesses."""

import difflib
import re
import unicodedata

from hezuo.vocabulary.synonyms import SYNONYMS

SPACES = re.compile(r"[\s\u3000\u00a0]+")
SUGGESTIONS = 3
SHOWN_CHOICES = 12  # a longer list of allowed values is not spelled out in a message


def fold(text):
    """The form words are compared in: full-width folded, spaces gone, Latin in lower case."""
    return SPACES.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def field_key(model, field_name=None):
    """How a column is named in synonyms and aliases: "org.Unit.kind", or "org.Unit" for a
    reference to a unit by its name."""
    key = model._meta.label
    return f"{key}.{field_name}" if field_name else key


class UnknownWord(Exception):
    def __init__(self, text, suggestions, allowed):
        self.text, self.suggestions, self.allowed = text, suggestions, allowed
        super().__init__(self.message())

    def message(self):
        text = f"“{self.text}”不是可选值"
        if 0 < len(self.allowed) <= SHOWN_CHOICES:
            text += f"，应为：{'、'.join(self.allowed)}"
        if self.suggestions:
            text += f"。是否为：{'、'.join(self.suggestions)}？"
        return text


class Words:
    """What one dictionary column accepts: labels (label → stored value) and other words for
    them (word → label). Built once per column and import; resolving is a dict look-up."""

    def __init__(self, key, labels, *, synonyms=None, aliases=None, mapping=None):
        self.key = key
        self.labels = dict(labels)
        self.by_value = {str(value): label for label, value in self.labels.items()}
        self.accepted = {}  # folded word → label
        for label, value in self.labels.items():
            self.accepted[fold(value)] = label  # a stored value ("active") is accepted as written
        for label, words in (synonyms if synonyms is not None else SYNONYMS.get(key, {})).items():
            if label in self.labels:
                for word in words:
                    self.accepted[fold(word)] = label
        for label in self.labels:
            self.accepted[fold(label)] = label
        self.aliases = {}
        for text, value in (aliases or {}).items():
            label = self.by_value.get(str(value))
            if label is not None:
                self.aliases[fold(text)] = label
        self.mapping = {}
        for text, label in (mapping or {}).items():
            self.mapping[fold(text)] = self.label(label)  # a mapping's meaning is itself checked

    def label(self, text):
        """The label a word means, or UnknownWord. Order: mapping for this import, then label
        or synonym, then the office's alias."""
        folded = fold(text)
        if folded in self.mapping:
            return self.mapping[folded]
        label = self.accepted.get(folded) or self.aliases.get(folded)
        if label is None:
            raise UnknownWord(SPACES.sub(" ", str(text)).strip(), self.suggest(text), list(self.labels))
        return label

    def resolve(self, text):
        """The stored value a word means, or UnknownWord."""
        return self.labels[self.label(text)]

    def suggest(self, text, limit=SUGGESTIONS):
        """Labels the word may have meant, closest first (by any word that means them)."""
        words = {**self.accepted, **self.aliases}
        close = closest(fold(text), [word for word in words if word])
        return list(dict.fromkeys(words[word] for word in close))[:limit]


def closest(word, candidates, limit=SUGGESTIONS):
    """The candidates closest to what was written, best first, for "是否为：…？": spelled alike,
    then containing it or contained in it, which edit distance misses on short Chinese words
    (实施 → 实施中, 南浔 → 南浔区)."""
    candidates = list(dict.fromkeys(candidates))
    close = difflib.get_close_matches(word, candidates, n=limit, cutoff=0.5)
    inside = [c for c in candidates if c not in close and (word in c or c in word)]
    return (close + inside)[:limit]


def synonyms_of(model_field):
    """{label: (synonyms …)} built in for a choice field; empty when it has none."""
    return SYNONYMS.get(field_key(model_field.model, model_field.name), {})


def choice_labels(model_field):
    return {str(label): stored for stored, label in model_field.choices if stored != ""}


def all_aliases():
    """Every saved alias, {column key: {text: value}}, in one query (the table is small)."""
    from hezuo.vocabulary.models import Alias

    found = {}
    for key, text, value in Alias.objects.values_list("field", "text", "value"):
        found.setdefault(key, {})[text] = value
    return found


def for_choice(model, field_name, *, mapping=None, aliases=None):
    """The words a choice column accepts, with the office's aliases from the database unless
    `aliases` is given (a dict text → stored value)."""
    key = field_key(model, field_name)
    if aliases is None:
        aliases = saved_aliases(key)
    return Words(key, choice_labels(model._meta.get_field(field_name)), aliases=aliases, mapping=mapping)


def for_names(model, names, *, mapping=None, aliases=None):
    """The words a reference column accepts: `names` (name → id) of the records the user may
    pick, and the office's aliases of them."""
    key = field_key(model)
    if aliases is None:
        aliases = saved_aliases(key)
    return Words(key, names, synonyms={}, aliases=aliases, mapping=mapping)


def saved_aliases(key):
    from hezuo.vocabulary.models import Alias

    return dict(Alias.objects.filter(field=key).values_list("text", "value"))
