"""A refused foreign object: an ordinary 404 for the member, a line in the security log."""

from django.http import Http404

from .security import security_event


class ForeignObjectNotFound(Http404):
    """A 404 for an object that exists but is not the member's to see (another government's draft).

    The member gets the ordinary 404, which says nothing of the object; ForeignObjectLogMiddleware
    writes the security event, with the request's path, once the view has raised it.
    """

    def __init__(self, message, *, kind, object_id):
        super().__init__(message)
        self.kind = kind
        self.object_id = object_id


class ForeignObjectLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ForeignObjectNotFound):
            security_event(
                "foreign_object_404",
                request=request,
                user=getattr(request, "user", None),
                kind=exception.kind,
                object_id=exception.object_id,
            )
