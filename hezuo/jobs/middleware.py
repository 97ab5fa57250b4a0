from django.conf import settings


class PublicHostMiddleware:
    """On HEZUO_PUBLIC_HOST, answer from the public job pages' URLconf alone: the intranet
    app (sign-in included) does not exist there. Static files are served before this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = settings.HEZUO_PUBLIC_HOST.lower()
        if host and request.get_host().rsplit(":", 1)[0].lower() == host:
            request.urlconf = "hezuo.jobs.public_urls"
        return self.get_response(request)
