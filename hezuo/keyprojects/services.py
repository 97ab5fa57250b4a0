"""Writing key projects' plans, monthly reports and the province's rate. Every write passes
the gate (hezuo/gate.py: role, scope, period lock) inside one transaction with its audit
entry, through core/services/records.py; nothing is written when a check fails."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.forms import modelform_factory
from PIL import Image, UnidentifiedImageError

from hezuo import access, gate
from hezuo.amounts import AmountFormField
from hezuo.core.services.records import save_record
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate, ReportPhoto

# What a new month's report carries over from last month's (the rest starts empty).
CARRIED = ("completed_ytd", "completed_total", "progress", "problems", "responsible", "deadline", "resolution")


def first_of(month):
    return datetime.date(month.year, month.month, 1)


def prefill(project, month):
    """A new, unsaved report of `project` for `month`, starting from last month's: its
    year-to-date and since-start figures, 形象进度 and problems; this month's completion 0."""
    month = first_of(month)
    report = MonthlyReport(project=project, month=month)
    before = report.previous()
    if before is not None:
        for name in CARRIED:
            setattr(report, name, getattr(before, name))
    return report


def _save(model, instance, values, actor, expected_version=None):
    """Validate `values` ({field: value}) onto `instance` with the model's own form (its
    Chinese, field-named errors: ValidationError.message_dict), then save it through the
    gate (core/services/records.py)."""
    form_class = modelform_factory(model, fields=list(values))
    form = form_class(data=_as_data(form_class, values), instance=instance)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return save_record(form, actor, expected_version).obj


def _as_data(form_class, values):
    """Posted data for `values`: amounts in 元 (their widget's number and unit)."""
    data = {}
    for name, value in values.items():
        if hasattr(value, "pk"):
            value = value.pk
        value = "" if value is None else str(value)
        if isinstance(form_class.base_fields[name], AmountFormField):
            data[f"{name}_0"], data[f"{name}_1"] = value, "元"
        else:
            data[name] = value
    return data


def save_report(actor, project, month, values, expected_version=None):
    """Create or change `project`'s report of `month` with `values` ({field: value}).

    A new report starts from last month's (prefill). This month's completion, when not
    given, is the year-to-date less last month's, never below 0. Raises ValidationError (a field named:
    a lower year-to-date without 累计减少原因), gate.WriteRefused (role, scope, a locked
    month), VersionConflict or DatabaseBusy."""
    month = first_of(month)
    report = MonthlyReport.objects.filter(project=project, month=month).first() or prefill(project, month)
    values = dict(values)
    if "completed_month" not in values and "completed_ytd" in values and report.pk is None:
        report.completed_ytd = values["completed_ytd"]
        values["completed_month"] = report.completion_since_last_month()
    fields = {"project": project, "month": month, "completed_month": report.completed_month,
              "decline_reason": report.decline_reason, **{n: getattr(report, n) for n in CARRIED}, **values}
    if report.pk is not None and expected_version is None:
        expected_version = report.version
    return _save(MonthlyReport, report, fields, actor, expected_version)


def save_plan(actor, project, year, amount):
    """Set `project`'s annual plan investment of `year` (元)."""
    plan = AnnualPlan.objects.filter(project=project, year=year).first() or AnnualPlan(project=project, year=year)
    return _save(AnnualPlan, plan, {"project": project, "year": year, "amount": amount}, actor,
                 plan.version if plan.pk else None)


def save_province_rate(actor, year, month, rate):
    """Set the province's completion rate (%) through `month` of `year`; city officers only."""
    found = ProvinceRate.objects.filter(year=year, month=month).first() or ProvinceRate(year=year, month=month)
    return _save(ProvinceRate, found, {"year": year, "month": month, "rate": rate}, actor,
                 found.version if found.pk else None)


PHOTO_MAX_BYTES = 10 * 1024 * 1024
THUMBNAIL_SIZE = (320, 320)


def add_photo(actor, report, upload, caption=""):
    """Attach an uploaded image to `report`, with a JPEG thumbnail (Pillow). Refused like
    the report (gate.WriteRefused: role, scope, a locked month); an upload that is not an
    image, or too large, is a ValidationError naming 照片. Nothing is kept when it fails."""
    photo = ReportPhoto(report=report, month=report.month, caption=caption[:100])
    gate.check_record(actor, gate.CREATE, photo)
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": "照片不能超过 10MB"})
    try:
        with Image.open(upload) as image:
            image.load()
            full = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"image": "照片无法识别，请上传 JPEG 或 PNG 图片"})
    # Both stored re-encoded as JPEG: served as image/jpeg whatever the upload was named, and
    # without the camera's metadata (a phone's GPS position).
    thumb = full.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    photo.created_by = photo.updated_by = access.user_of(actor)
    name = f"{report.project.code}-{report.month:%Y%m}.jpg"
    photo.image.save(name, ContentFile(jpeg(full, 90)), save=False)
    photo.thumbnail.save(name, ContentFile(jpeg(thumb, 85)), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        raise
    return photo


def jpeg(image, quality):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
