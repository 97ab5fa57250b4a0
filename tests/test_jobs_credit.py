"""The 统一社会信用代码 and its check character (GB 32100-2015): what forms, the import and
the demo accept."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from hypothesis import given, strategies as st

from hezuo.jobs import credit

# The standard's own example and codes of registered enterprises, as their registers print them.
REAL = ["91350100M000100Y43", "91110108551385082Q", "91110000600037341L"]
first17 = st.text(alphabet=credit.CHARSET, min_size=17, max_size=17)


class CreditCodeTestCase(SimpleTestCase):
    def test_it_accepts_codes_issued_with_their_check_character(self):
        for code in REAL:
            with self.subTest(code):
                self.assertIsNone(credit.problem(code))

    def test_it_computes_the_check_character_of_an_issued_code(self):
        for code in REAL:
            self.assertEqual(credit.check_character(code[:17]), code[17])

    def test_it_refuses_a_wrong_check_character(self):
        self.assertEqual(credit.problem("91350100M000100Y44"), "统一社会信用代码“91350100M000100Y44”的校验位不正确")

    def test_it_refuses_a_wrong_length(self):
        self.assertEqual(credit.problem("9135010M000100Y43"), "统一社会信用代码应为18位，“9135010M000100Y43”为17位")

    def test_it_refuses_letters_the_standard_leaves_out(self):
        for letter in "IOZSV":
            code = "91350100M000100" + letter + "43"
            with self.subTest(letter):
                self.assertIn(f"不允许的字符：{letter}", credit.problem(code))

    def test_a_sum_divisible_by_31_checks_with_0(self):
        found = next(f"{n:017d}" for n in range(10 ** 6) if credit.check_character(f"{n:017d}") == "0")
        self.assertEqual(sum(credit.VALUE[c] * w for c, w in zip(found, credit.WEIGHTS)) % 31, 0)

    def test_the_validator_raises_the_problem(self):
        with self.assertRaisesMessage(ValidationError, "校验位不正确"):
            credit.validate("91350100M000100Y44")
        credit.validate(REAL[0])

    @given(first17)
    def test_every_code_made_with_its_check_character_is_valid(self, head):
        self.assertIsNone(credit.problem(credit.with_check(head)))

    @given(first17, st.sampled_from(credit.CHARSET))
    def test_any_other_last_character_is_refused(self, head, last):
        code = head + last
        if last == credit.check_character(head):
            self.assertIsNone(credit.problem(code))
        else:
            self.assertIn("校验位不正确", credit.problem(code))

    @given(first17, st.integers(0, 16), st.sampled_from(credit.CHARSET))
    def test_changing_one_character_is_caught(self, head, index, char):
        code = credit.with_check(head)
        changed = code[:index] + char + code[index + 1:]
        # Weights 3^i mod 31 are never 0 mod 31, so one changed character always changes the sum.
        self.assertEqual(credit.problem(changed) is None, changed == code)
