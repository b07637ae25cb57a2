"""What every app's API shares: pagination and the error format.

Settings name these classes (DEFAULT_PAGINATION_CLASS, EXCEPTION_HANDLER),
and DRF imports them while its generic views are being defined: this
module must therefore never import a DRF view, or the import goes round.
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class VerbsFirst:
    """405 for a verb the endpoint does not have, whoever asks.

    DRF checks who the caller is before the verb, so a PUT on a call answered
    401 or 403 depending on the caller; the verb is checked first here.
    """

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Request body too large.")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This conflicts with the current state.")
    default_code = "conflict"


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _first_message(errors):
    """(field, first message) of flattened errors, however deeply nested.

    List items report their errors by index ({"allowed_licenses": {2: [...]}}),
    so the first value is not always a list of sentences.
    """
    for field, value in errors.items():
        while isinstance(value, (dict, list)) and value:
            value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        if isinstance(value, str):
            return field, value
    return None


def exception_handler(exc, context):
    """Every API error as `{"detail": "<sentence>", "errors": {...}}` (errors only for 400s)."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = _flatten(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        sentence = _("Invalid input.")
        first = _first_message(errors)
        if first:
            field, message = first
            if field == "non_field_errors":
                sentence = message
            else:
                sentence = _("%(field)s: %(message)s") % {"field": field, "message": message}
        response.data = {"detail": sentence, "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {**response.data, "detail": str(response.data["detail"])}
    else:
        response.data = {"detail": str(response.data)}
    return response


def conflict_response(detail, **extra):
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)
