from django import forms
from django.contrib.auth import password_validation

from hezuo import text
from hezuo.accounts.models import User


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label="密码", required=False, widget=forms.PasswordInput(render_value=False),
        help_text="新建用户必填；编辑时留空表示不修改密码。至少 8 位，不能全是数字。",
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "unit", "phone", "email", "is_active"]
        formfield_callback = text.formfield

    def clean(self):
        data = super().clean()
        if data.get("role") == User.Role.DISTRICT and not data.get("unit"):
            self.add_error("unit", "区县填报员必须指定所属单位")
        password = data.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", "新建用户必须设置密码")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user
