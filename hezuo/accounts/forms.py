from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm

from hezuo import access, text
from hezuo.accounts.models import PasswordPolicy, User
from hezuo.org.models import Unit


def password_help():
    policy = PasswordPolicy.current()
    return (f"至少 {policy.min_length} 位，包含大写字母、小写字母、数字、符号中的至少 {policy.min_classes} 类，"
            f"不能与最近 {policy.history} 次的密码相同。")


class AccountForm(forms.ModelForm):
    """The system admin's form: who the person is. No role and no unit: those are granted by
    the security admin (GrantForm)."""

    password = forms.CharField(
        label="初始密码", required=False, widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "phone", "email", "is_active"]
        formfield_callback = text.formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = (
            "新建用户必填；编辑时填写即为重置密码，留空表示不修改。用户下次登录时须自行修改。" + password_help())

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", "新建用户必须设置初始密码")
        if password:
            try:
                password_validation.validate_password(password, self.instance if self.instance.pk else None)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class GrantForm(forms.Form):
    """The security admin's form: role and data scope."""

    role = forms.ChoiceField(label="角色", required=False)
    unit = forms.ModelChoiceField(Unit.objects.all(), label="所属单位", required=False,
                                  help_text="区县填报员的数据范围是该单位及其下级单位。")

    def __init__(self, *args, actor, account, **kwargs):
        super().__init__(*args, initial={"role": account.role, "unit": account.unit}, **kwargs)
        labels = dict(User.Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in access.grantable_roles(actor, account)]

    def clean(self):
        data = super().clean()
        if data.get("role") == User.Role.DISTRICT and not data.get("unit"):
            self.add_error("unit", "区县填报员必须指定所属单位")
        return data


class OwnPasswordForm(PasswordChangeForm):
    """修改密码: the old password, then the new one twice, checked against the policy."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_help()

    def old_password_wrong(self):
        return "old_password" in self.errors and any(
            e.code == "password_incorrect" for e in self.errors.as_data()["old_password"])


class TokenForm(forms.Form):
    token = forms.RegexField(label="动态口令", regex=r"^\s*\d{6}\s*$", max_length=12,
                             error_messages={"invalid": "请输入验证器上显示的 6 位数字"},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                           "inputmode": "numeric", "autofocus": True}))

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class PasswordPolicyForm(forms.ModelForm):
    class Meta:
        model = PasswordPolicy
        fields = ["min_length", "min_classes", "history", "max_age_days"]
