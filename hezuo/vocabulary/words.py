"""Turning a word a clerk typed into a dictionary value: the value's label, a built-in synonym
(synonyms.py), an alias the office saved (Alias), or a mapping given for one import — and
nothing else. Whatever is none of these is refused with the closest values suggested; nothing
here guesses."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

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
        if self.suggestions:
            return f"{text}，是否为：{'、'.join(self.suggestions)}？"
        if 0 < len(self.allowed) <= SHOWN_CHOICES:
            return f"{text}，应为：{'、'.join(self.allowed)}"
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
        self.used = set()  # mapped words that were met

    def label(self, text):
        """The label a word means, or UnknownWord. Order: mapping for this import, then label
        or synonym, then the office's alias."""
        folded = fold(text)
        if folded in self.mapping:
            self.used.add(folded)
            return self.mapping[folded]
        label = self.accepted.get(folded) or self.aliases.get(folded)
        if label is None:
            raise UnknownWord(SPACES.sub(" ", str(text)).strip(), self.suggest(text), list(self.labels))
        return label

    def resolve(self, text):
        """The stored value a word means, or UnknownWord."""
        return self.labels[self.label(text)]

    def suggest(self, text, limit=SUGGESTIONS):
        """Labels the word may have meant, closest first: a label or synonym containing it or
        contained in it (南浔 in 南浔区), then ones spelled alike."""
        folded = fold(text)
        if not folded:
            return []
        words = {**self.accepted, **self.aliases}
        scored = {}
        for word, label in words.items():
            if not word:
                continue
            if folded in word or word in folded:
                score = 1 + min(len(folded), len(word)) / max(len(folded), len(word))
            else:
                score = difflib.SequenceMatcher(None, folded, word).ratio()
                if score < 0.5:
                    continue
            scored[label] = max(score, scored.get(label, 0))
        return [label for label, _score in sorted(scored.items(), key=lambda item: -item[1])][:limit]


def choice_labels(model_field):
    return {str(label): stored for stored, label in model_field.choices if stored != ""}


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


@dataclass(frozen=True)
class Mapping:
    """`SHEET.COLUMN:VALUE=LABEL`: in this import, VALUE in that column means LABEL."""

    sheet: str
    column: str
    text: str
    label: str

    def __str__(self):
        return f"{self.sheet}.{self.column}:{self.text}={self.label}"


class MappingError(ValueError):
    pass


MAPPING = re.compile(r"^(?P<sheet>[^.:=]+)\.(?P<column>[^:=]+):(?P<text>[^=]+)=(?P<label>.+)$")


def parse_mapping(spec):
    """A Mapping from its text, or MappingError in Chinese."""
    match = MAPPING.match(unicodedata.normalize("NFKC", str(spec)).strip())
    if not match:
        raise MappingError(f"映射“{spec}”的格式应为：表名.列名:原值=含义，例如 单位.类型:市级=区域合作办")
    sheet, column, text, label = (match.group(name).strip() for name in ("sheet", "column", "text", "label"))
    if not (sheet and column and text and label):
        raise MappingError(f"映射“{spec}”缺少表名、列名、原值或含义")
    return Mapping(sheet, column, text, label)


def read_mapping_file(path):
    """Mappings from a text file (UTF-8, or GB18030 as Windows Notepad writes it), one per
    line; blank lines and lines starting with # are skipped. Errors name the line."""
    raw = open(path, "rb").read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MappingError(f"映射文件 {path} 不是 UTF-8 或 GB18030 编码的文本")
    mappings = []
    for number, line in enumerate(content.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            mappings.append(parse_mapping(line))
        except MappingError as error:
            raise MappingError(f"映射文件第 {number} 行：{error}")
    return mappings
