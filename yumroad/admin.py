"""What every app's admin shares."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet


class SafeDatesChangeList(ChangeList):
    """A change list that reports a date out of Python's range in its query
    string as a bad filter (the change list again, with ?e=1), as Django
    does for other bad lookups, instead of failing with a 500: the date
    hierarchy's `?created_at__year=99999999999` (or 9999, whose next year
    does not exist) and a filter's own `?created_at__year=...`, which only
    fails once the query is turned into SQL, in the template."""

    def get_queryset(self, request, *args, **kwargs):
        try:
            queryset = super().get_queryset(request, *args, **kwargs)
            queryset.query.sql_with_params()
        except EmptyResultSet:
            pass  # a query that needs no SQL: there is nothing wrong with it
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset


class SafeDatesMixin:
    """For a ModelAdmin with dates in its filters; see SafeDatesChangeList."""

    def get_changelist(self, request, **kwargs):
        return SafeDatesChangeList
