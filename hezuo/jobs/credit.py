"""The 统一社会信用代码 (unified social credit code) of GB 32100-2015 and its check character.

18 characters from 0-9 and A-Z without I, O, Z, S, V; the 18th is a check character: the
first 17 weighted by 3^i mod 31 (i = 0 … 16), summed, and 31 - sum % 31 mapped back to a
character (31 is 0).
"""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {char: i for i, char in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def check_character(first17):
    """The check character of the first 17 characters (each of CHARSET)."""
    total = sum(VALUE[char] * weight for char, weight in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code):
    """Why `code` is not a valid credit code (Chinese), or None."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为18位，“{code}”为{len(code)}位"
    wrong = sorted({char for char in code if char not in VALUE})
    if wrong:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(wrong)}（只用数字和除 I、O、Z、S、V 以外的大写字母）"
    if check_character(code[:17]) != code[17]:
        return f"统一社会信用代码“{code}”的校验位不正确"
    return None


def normalize(code):
    """Trimmed and upper-cased, the way people paste it."""
    return (code or "").strip().upper()


def validate(code):
    """A Django validator: raises ValidationError with the problem."""
    from django.core.exceptions import ValidationError

    found = problem(code)
    if found:
        raise ValidationError(found, code="credit_code")


def with_check(first17):
    """The full code for its first 17 characters (test data, the demo's employers)."""
    return first17 + check_character(first17)
