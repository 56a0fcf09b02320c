"""What every endpoint of the API shares: GET only, the query string checked before anything
is read, validators and 304 answers from the record generation (api/conditional.py), and a
detail that names its record by its public identifier, never a database id."""

from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api.conditional import answer_with_validators
from api.errors import ParameterError
from api.paging import PAGING_PARAMETERS, SIZE_PARAMETER, page_size
from api.parameters import unknown_parameters
from mmip.filtering import shown


class ReadOnlyEndpoint:
    """For an APIView or a viewset: ``parameters()`` says what the query string may hold and
    ``value_problems()`` what is wrong with their values, all of it answered in one 400 before
    anything is read; every answer goes through answer_with_validators()."""

    http_method_names = ["get", "head", "options"]

    def parameters(self) -> list[str]:
        return []

    def value_problems(self, request) -> list[tuple[str, str]]:
        return []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        problems = unknown_parameters(request.query_params, self.parameters())
        problems += self.value_problems(request)
        if problems:
            raise ParameterError(problems)

    def answer(self, request, make):
        return answer_with_validators(request, make)


class RecordEndpoint(ReadOnlyEndpoint, APIView):
    """One answer, not a list (the API's root, the awards' summary)."""


class PublicRecords(ReadOnlyEndpoint, viewsets.ReadOnlyModelViewSet):
    """A list and a detail of one kind of public record. Subclasses give ``public_records()``
    (the model's public() QuerySet, ordered by fields ending in a unique one, with what the
    representation names joined or prefetched), the serializers, and ``thing``/``things``
    for messages."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    thing = "record"
    things = "records"
    filter_backends = []
    # The detail's serializer, where it says more than a row of the list.
    detail_serializer_class = None

    def public_records(self):
        raise NotImplementedError

    def decorate(self, records: list) -> None:
        """Adds to the records of a page (or the one of a detail) what their representation
        reads beyond their own rows, a query for all of them at once; nothing by default."""

    def get_queryset(self):
        return self.public_records()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def parameters(self) -> list[str]:
        return list(PAGING_PARAMETERS) if self.action == "list" else []

    def value_problems(self, request):
        if self.action != "list":
            return []
        try:
            page_size(request.query_params.get(SIZE_PARAMETER), self.things)
        except ParameterError as error:
            return error.problems
        return []

    def get_object(self):
        key = self.kwargs[self.lookup_field]
        record = self.get_queryset().filter(**{self.lookup_field: key}).first()
        if record is None:
            raise NotFound(f"There is no public {self.thing} “{shown(key, limit=80)}”.")
        self.decorate([record])
        return record

    def paginate_queryset(self, queryset):
        records = super().paginate_queryset(queryset)
        self.decorate(records)
        return records

    def list(self, request, *args, **kwargs):
        return self.answer(
            request, lambda: super(PublicRecords, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request, *args, **kwargs):
        return self.answer(
            request, lambda: super(PublicRecords, self).retrieve(request, *args, **kwargs)
        )
