from pathlib import Path

from django import forms
from django.conf import settings

SUFFIXES = (".xlsx", ".xls", ".csv")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件", widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
        help_text="标准填报模板：Excel 工作簿（.xlsx、.xls）或 CSV 文件（UTF-8 或 GBK 编码）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的（0 字节）"},
    )
    dry_run = forms.BooleanField(label="仅校验，不写入", required=False,
                                 help_text="检查文件中的全部数据并列出问题，但不保存任何数据")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("只能导入 .xlsx、.xls 或 .csv 文件")
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件太大（{upload.size / 1024 / 1024:.1f} MB），单个文件不能超过 {limit // 1024 // 1024} MB，请拆分后分批导入")
        return upload
