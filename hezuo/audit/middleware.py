from auditlog.middleware import AuditlogMiddleware

from hezuo.audit.events import client_address


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording the client's address as sign-ins do.

    Its own version trusts X-Forwarded-For from any client, so anyone could write any
    address into the audit trail; `client_address` reads only what the documented proxies
    wrote (HEZUO_PROXY_COUNT).
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)
