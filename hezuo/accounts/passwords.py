"""The password policy of 等保 2.0 level 3, as Django password validators (settings
AUTH_PASSWORD_VALIDATORS): at least 8 characters, three of four kinds of character, none of
the last five passwords. Expiry is `User.password_expired`. The figures are the security
admin's `PasswordPolicy`, never below those.
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
)


def character_classes(password):
    """How many of upper case, lower case, digits and symbols the password uses. Letters are
    ASCII letters; anything that is not an ASCII letter or digit (a Chinese character too)
    is a symbol."""
    ascii_chars = [c for c in password if c.isascii()]
    found = sum(1 for _name, test in CLASSES if any(test(c) for c in ascii_chars))
    symbols = any(not (c.isascii() and c.isalnum()) for c in password)
    return found + symbols


def policy():
    from hezuo.accounts.models import PasswordPolicy

    return PasswordPolicy.current()


class MinimumLengthValidator:
    """Django's has no Chinese message in 5.2's catalogue."""

    @property
    def min_length(self):
        return policy().min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少 {self.min_length} 位。", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.min_length} 位。"


class CharacterClassesValidator:
    @property
    def min_classes(self):
        return policy().min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuses the current password and the ones before it, `count` in all; keeps the hash of
    every new password (Django calls `password_changed` after saving one)."""

    @property
    def count(self):
        return policy().history

    def recent_hashes(self, user):
        hashes = list(user.password_history.values_list("password", flat=True)[: self.count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        return hashes[: self.count]

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        from hezuo.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能使用最近 {self.count} 次用过的密码。"
