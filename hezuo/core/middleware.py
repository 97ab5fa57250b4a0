"""Middleware that holds for every response and every request of the app."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from hezuo import text


class NoStoreMiddleware:
    """Every page and file of the app holds data someone may see only while signed in:
    browsers and proxies keep no copy (Cache-Control: no-store, private).

    Static files never get here: whitenoise, before us in MIDDLEWARE, answers them with
    far-future caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RefuseControlCharactersMiddleware:
    """400 for a control character (NUL …) in the path, a query parameter or a cookie,
    before any view, filter or session lookup passes it to the database: PostgreSQL
    refuses NUL in text with an error, which would be a 500.

    Submitted form fields are left to the forms (hezuo/text.py), which name the field in a
    422, so what the user typed is shown again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return HttpResponseBadRequest(render_to_string("400.html", {"reason": problem}))
        return self.get_response(request)

    @staticmethod
    def problem(request):
        """What is wrong with the request, in Chinese, or ''."""
        if text.control_character(request.path_info):
            return "网址中含有不允许的控制字符，请检查链接是否完整、是否被改动。"
        for key, values in request.GET.lists():
            if text.control_character(key):
                return "网址参数的名称中含有不允许的控制字符，请检查链接是否完整、是否被改动。"
            if any(text.control_character(value) for value in values):
                return f"网址参数“{key}”中含有不允许的控制字符，请检查链接是否完整、是否被改动。"
        for key, value in request.COOKIES.items():
            if text.control_character(key) or text.control_character(value):
                return "浏览器发送的 Cookie 中含有不允许的控制字符，请清除本站的 Cookie 后重新登录。"
        return ""
