"""Site-wide pages: home, about and sources, search, robots.txt and the error pages."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from initiatives.models import Figure, Initiative, Milestone, Section, Sector, Source
from publishing import fragments

from .search import SearchForm

FEATURED_INITIATIVE = "trust"
HEADLINE_FIGURES = 4
LATEST_MILESTONES = 4
#: The home page shows the first sectors and initiatives and links to the rest.
HOME_SECTORS = 12
HOME_INITIATIVES = 8


class HomeView(TemplateView):
    """Everything the home page shows is in one part, read only when it is rendered."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fragments.defer(self.request, context, self.contents)
        return context

    def contents(self):
        featured = (
            Initiative.objects.published()
            .filter(slug=FEATURED_INITIATIVE)
            .prefetch_related(
                Prefetch(
                    "sections",
                    queryset=Section.objects.filter(kind=Section.Kind.AIMS).with_points(),
                )
            )
            .first()
        )
        latest = Milestone.objects.published().chronological().reverse()[:LATEST_MILESTONES]
        return {
            "featured": featured,
            "initiatives": (
                Initiative.objects.published()
                .exclude(slug=FEATURED_INITIATIVE)
                .filter(parent=None)[:HOME_INITIATIVES]
            ),
            "sectors": Sector.objects.published()[:HOME_SECTORS],
            "figures": Figure.objects.published().filter(part_of=None)[:HEADLINE_FIGURES],
            "milestones": list(latest),
        }


class AboutView(ListView):
    template_name = "about.html"
    context_object_name = "sources"

    def get_queryset(self):
        return Source.objects.published()


class SearchView(TemplateView):
    """The results are one part of the page, kept by the cleaned query (the language is in
    every part's key): the search runs only when the part is not kept, or is stale because
    some item of a searched kind changed (:mod:`publishing.fragments`)."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET)
        context["form"] = form
        context["query"] = query = form.cleaned_data.get("q", "") if form.is_valid() else ""
        if query:
            fragments.defer(self.request, context, lambda: {"results": form.results()})
        context["page_title"] = (
            _("Search results for “%(query)s”") % {"query": query} if query else _("Search")
        )
        context["page_description"] = (
            _(
                "What trustsite has on “%(query)s”: initiatives, sectors, minerals, figures, "
                "milestones."
            )
            % {"query": query}
            if query
            else _(
                "Search every initiative, sector, mineral, key figure and milestone on trustsite."
            )
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["form"].errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


def page_not_found(request, exception):
    """A 404 that keeps the site's navigation and offers a search box."""
    return render(request, "404.html", {"form": SearchForm()}, status=404)
