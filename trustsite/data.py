"""Open data: the whole published dataset as a Frictionless Data Package at ``/data/``.

The package is assembled here, where both apps may be imported, from the API's own
resources (see :mod:`publishing.datapackage`): a table per content type, an
initiative's sections and points as tables of their own, and a table per many-to-many
link. Its version is the stamp of the latest public change (``publishing.versions``),
so a citation of the data names the same version as a citation of a page; a list page's
Dataset names its own table's, the latest public change of that table's kind.
"""

from django.conf import settings
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from initiatives import api as initiatives_api
from initiatives.models import Initiative, Milestone, Point, Section, Source
from initiatives.serializers import PointRowSerializer, SectionRowSerializer
from minerals import api as minerals_api
from publishing.addresses import site_url
from publishing.api.serializers import singular
from publishing.datapackage import DESCRIPTOR, DataPackage, LinkTable, SerializerTable
from publishing.downloads import CSV_CONTENT_TYPE
from publishing.models import Publishable
from publishing.versions import stamp
from publishing.views import public_changes

ZIP_NAME = "trustsite-data.zip"
JSON_TYPE = "application/json"
ZIP_TYPE = "application/zip"

#: The tables of the content types, in the order the package lists them; the API
#: resource each one is.
CONTENT_TABLES = [
    SerializerTable.of(initiatives_api.InitiativeViewSet, "initiatives", title=_("Initiatives")),
    SerializerTable(
        "sections",
        SectionRowSerializer,
        lambda: (
            Section.objects.filter(initiative__in=Initiative.objects.published())
            .select_related("initiative")
            .order_by("initiative__slug", "position", "pk")
        ),
        title=_("Sections of initiatives"),
        description="Each initiative's ordered, headed lists of points: its aims, key "
        "features, significance.",
        primary_key=["initiative_slug", "slug"],
    ),
    SerializerTable(
        "points",
        PointRowSerializer,
        lambda: (
            Point.objects.filter(section__initiative__in=Initiative.objects.published())
            .select_related("section__initiative")
            .order_by("section__initiative__slug", "section__position", "section__pk", "position")
        ),
        title=_("Points of sections"),
        description="The points of each section, in order.",
        primary_key=["initiative_slug", "section_slug", "position"],
        references={("initiative_slug", "section_slug"): Section},
    ),
    SerializerTable.of(initiatives_api.MilestoneViewSet, "milestones", title=_("Milestones")),
    SerializerTable.of(initiatives_api.FigureViewSet, "figures", title=_("Key figures")),
    SerializerTable.of(initiatives_api.SectorViewSet, "sectors", title=_("Sectors")),
    SerializerTable.of(initiatives_api.CountryViewSet, "countries", title=_("Countries")),
    SerializerTable.of(
        initiatives_api.OrganizationViewSet, "organizations", title=_("Organizations")
    ),
    SerializerTable.of(initiatives_api.SourceViewSet, "sources", title=_("Sources")),
    SerializerTable.of(minerals_api.MineralViewSet, "minerals", title=_("Minerals")),
    SerializerTable.of(minerals_api.ApplicationViewSet, "applications", title=_("Applications")),
]

#: A table per many-to-many link of a content type: ``initiatives-sectors``…
LINK_TABLES = [
    LinkTable(table, relation.name, singular(relation.name))
    for table in CONTENT_TABLES
    for relation in table.model._meta.many_to_many
]

PACKAGE = DataPackage(
    [*CONTENT_TABLES, *LINK_TABLES],
    name=settings.SITE_NAME,
    title="trustsite: the U.S.–India TRUST initiative and critical minerals",
    description=(
        "Every published initiative, section and point, milestone, key figure, sector, "
        "country, organization, source, critical mineral and application of a mineral in "
        "a sector on trustsite, in English and Hindi, with the links between them."
    ),
    keywords=["TRUST", "India", "United States", "critical minerals", "strategic technology"],
    licenses=[settings.DATA_LICENSE],
)

#: The table behind each list page's Dataset (see the json_ld tag).
LIST_TABLES = {table.name for table in CONTENT_TABLES}


def dataset_version(model=None):
    """``(stamp, date)`` of the latest public change, or ``(None, None)`` before any: of the
    whole dataset, or of ``model``'s items alone (a list page's table has its own kind's
    version, so a change to a mineral leaves the initiatives list cached)."""
    entries = public_changes([model] if model is not None else None)
    date = entries.prefetch_related(None).values_list("date", flat=True).first()
    return (stamp(date), date) if date is not None else (None, None)


def table_kind(table_name):
    """The kind of item whose public changes version ``table_name``: its rows' kind, or
    None (the whole dataset's version) for a table of parts or of the whole package."""
    table = PACKAGE.table(table_name) if table_name else None
    model = getattr(table, "model", None)
    return model if model is not None and issubclass(model, Publishable) else None


def temporal_coverage():
    """The years the milestones span, as ISO 8601 writes an interval: ``2022/2025``."""
    years = Milestone.objects.published().aggregate(first=Min("year"), last=Max("year"))
    if years["first"] is None:
        return None
    return (
        f"{years['first']}/{years['last']}"
        if years["last"] != years["first"]
        else str(years["first"])
    )


def dataset_facts(request, table_name=None):
    """``(version, date, temporal coverage)`` of the whole dataset, or of the table
    ``table_name`` (see :func:`table_kind`), worked out once per request: the page and
    its JSON-LD both name them."""
    if not hasattr(request, "_dataset_facts"):
        request._dataset_facts = {}
    kind = table_kind(table_name)
    if kind not in request._dataset_facts:
        request._dataset_facts[kind] = (*dataset_version(kind), temporal_coverage())
    return request._dataset_facts[kind]


def data_url(request, name=None):
    """The absolute address of the package's page, or of one of its files."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("data-file", args=[name]) if name else reverse("data")
    return site_url(request) + path


def package_properties(request):
    """What changes with the content and the address: version, date, sources."""
    version, date = dataset_version()
    properties = {
        "id": data_url(request),
        "homepage": data_url(request),
        "contributors": [
            {"title": settings.SITE_NAME, "path": site_url(request) + "/", "roles": ["publisher"]}
        ],
        "sources": [
            {"title": source.title, **({"path": source.url} if source.url else {})}
            for source in Source.objects.published().order_by("title")
        ],
    }
    if version is not None:
        properties.update(version=version, created=date.isoformat(), modified=date.isoformat())
    return properties


class DataView(TemplateView):
    """The dataset described in prose, with its files."""

    template_name = "data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"], context["modified"], context["temporal_coverage"] = dataset_facts(
            self.request
        )
        context["content_tables"] = CONTENT_TABLES
        context["link_tables"] = LINK_TABLES
        context["descriptor"] = DESCRIPTOR
        context["zip_name"] = ZIP_NAME
        context["license"] = settings.DATA_LICENSE
        return context


class DataFileView(View):
    """``datapackage.json``, a table's CSV, or the zip of them all, whole (not streamed:
    the page cache keeps them, and the zip holds these very bytes)."""

    def get(self, request, name):
        if name == DESCRIPTOR:
            body = PACKAGE.descriptor_bytes(**package_properties(request))
            return HttpResponse(body, content_type=f"{JSON_TYPE}; charset=utf-8")
        if name == ZIP_NAME:
            body = PACKAGE.zip_bytes(request, **package_properties(request))
            return self.download(HttpResponse(body, content_type=ZIP_TYPE), name)
        table = PACKAGE.table(name.removesuffix(".csv")) if name.endswith(".csv") else None
        if table is None:
            raise Http404("The data package has no such file.")
        response = HttpResponse(table.csv(request), content_type=CSV_CONTENT_TYPE)
        return self.download(response, name)

    @staticmethod
    def download(response, name):
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
