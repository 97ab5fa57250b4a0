from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "hezuo.reporting"
    verbose_name = "报送审核"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.reporting.models import Notice, ReportingTask, Submission, SubmissionEvent

        auditlog.register(ReportingTask, m2m_fields={"units"})
        auditlog.register(Submission)
        auditlog.register(SubmissionEvent)
        auditlog.register(Notice)
