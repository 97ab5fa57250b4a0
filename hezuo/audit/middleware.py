from auditlog.middleware import AuditlogMiddleware


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording REMOTE_ADDR only.

    Its own version trusts X-Forwarded-For from any client, so anyone could write any
    address into the audit trail. The reverse proxy sets REMOTE_ADDR (docs/deployment.md),
    which is also what django-axes records for sign-ins.
    """

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR")
