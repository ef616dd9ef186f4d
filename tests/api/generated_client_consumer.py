"""A consumer of the API as its users write one: a client generated from the schema the
site serves (openapi-python-client, no configuration) and nothing else.

tests/api/test_generated_client.py generates the client, type-checks this file with mypy
against it, then runs these functions against a live server. Each function checks what a
consumer relies on and returns what it saw, for the test to compare with the database.
"""

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from trustsite_api_client import AuthenticatedClient, Client
from trustsite_api_client.api.applications import applications_list, applications_retrieve
from trustsite_api_client.api.countries import countries_list, countries_retrieve
from trustsite_api_client.api.figures import (
    figures_list,
    figures_list_csv,
    figures_retrieve,
)
from trustsite_api_client.api.initiatives import initiatives_list, initiatives_retrieve
from trustsite_api_client.api.milestones import milestones_list, milestones_retrieve
from trustsite_api_client.api.minerals import minerals_list, minerals_retrieve
from trustsite_api_client.api.organizations import organizations_list, organizations_retrieve
from trustsite_api_client.api.sectors import (
    sectors_create,
    sectors_list,
    sectors_partial_update,
    sectors_retrieve,
    sectors_update,
)
from trustsite_api_client.api.sources import sources_list, sources_retrieve
from trustsite_api_client.models import (
    Error,
    FiguresListCsvOrderingItem,
    FiguresListOrderingItem,
    PatchedSectorRequest,
    Sector,
    SectorRequest,
    StatusEnum,
)

#: Small pages, so that every list takes several.
PAGE_SIZE = 7


class Item(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def url(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Item)
ItemT_co = TypeVar("ItemT_co", bound=Item, covariant=True)


class Page(Protocol[ItemT_co]):
    @property
    def count(self) -> int: ...

    @property
    def next_(self) -> str | None: ...

    @property
    def results(self) -> Sequence[ItemT_co]: ...


def every_item(
    fetch: Callable[[int], Page[ItemT] | Error | None | Any],
    read: Callable[[str], ItemT | Error | None | Any],
) -> list[ItemT]:
    """Every item of a resource, page after page, each read again by its slug."""
    items: list[ItemT] = []
    number = 1
    while True:
        page = fetch(number)
        assert page is not None and not isinstance(page, Error), page
        items.extend(page.results)
        if page.next_ is None:
            break
        number += 1
    assert len(items) == page.count
    for item in items:
        again = read(item.slug)
        assert again == item, (again, item)
    return items


def read_everything(base_url: str) -> dict[str, list[str]]:
    """Every item of every resource, anonymously; the slugs read, by resource."""
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    size = PAGE_SIZE
    found = {
        "sources": every_item(
            lambda n: sources_list.sync(client=client, page=n, page_size=size),
            lambda slug: sources_retrieve.sync(slug, client=client),
        ),
        "sectors": every_item(
            lambda n: sectors_list.sync(client=client, page=n, page_size=size),
            lambda slug: sectors_retrieve.sync(slug, client=client),
        ),
        "countries": every_item(
            lambda n: countries_list.sync(client=client, page=n, page_size=size),
            lambda slug: countries_retrieve.sync(slug, client=client),
        ),
        "organizations": every_item(
            lambda n: organizations_list.sync(client=client, page=n, page_size=size),
            lambda slug: organizations_retrieve.sync(slug, client=client),
        ),
        "initiatives": every_item(
            lambda n: initiatives_list.sync(client=client, page=n, page_size=size),
            lambda slug: initiatives_retrieve.sync(slug, client=client),
        ),
        "milestones": every_item(
            lambda n: milestones_list.sync(client=client, page=n, page_size=size),
            lambda slug: milestones_retrieve.sync(slug, client=client),
        ),
        "figures": every_item(
            lambda n: figures_list.sync(client=client, page=n, page_size=size),
            lambda slug: figures_retrieve.sync(slug, client=client),
        ),
        "minerals": every_item(
            lambda n: minerals_list.sync(client=client, page=n, page_size=size),
            lambda slug: minerals_retrieve.sync(slug, client=client),
        ),
        "applications": every_item(
            lambda n: applications_list.sync(client=client, page=n, page_size=size),
            lambda slug: applications_retrieve.sync(slug, client=client),
        ),
    }
    return {name: [item.slug for item in items] for name, items in found.items()}


def results(page: Page[ItemT] | Error | None | Any) -> list[ItemT]:
    assert page is not None and not isinstance(page, Error), page
    return list(page.results)


def filter_and_search(base_url: str) -> dict[str, int]:
    """Each resource filtered by a slug read beside a link (or a value) and searched for
    a word of one item's name; how many items each filter found."""
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    found: dict[str, int] = {}

    initiatives = results(initiatives_list.sync(client=client, page_size=100))
    initiative = next(item for item in initiatives if item.sector_slugs and item.partner_slugs)
    sector = initiative.sector_slugs[0]
    by_sector = results(initiatives_list.sync(client=client, sector=sector, page_size=100))
    assert initiative.slug in {item.slug for item in by_sector}
    assert all(sector in item.sector_slugs for item in by_sector)
    found["initiatives"] = len(by_sector)
    searched = results(initiatives_list.sync(client=client, search=initiative.name.split()[0]))
    assert initiative.slug in {item.slug for item in searched}, initiative.name

    sectors = results(sectors_list.sync(client=client, initiative=initiative.slug))
    assert {item.slug for item in sectors} == set(initiative.sector_slugs)
    found["sectors"] = len(sectors)
    countries = results(countries_list.sync(client=client, initiative=initiative.slug))
    assert {item.slug for item in countries} == set(initiative.partner_slugs)
    found["countries"] = len(countries)

    figures = results(figures_list.sync(client=client, page_size=100))
    figure = next(item for item in figures if item.country_slug)
    by_country = results(figures_list.sync(client=client, country=figure.country_slug))
    assert figure.slug in {item.slug for item in by_country}
    assert {item.country_slug for item in by_country} == {figure.country_slug}
    found["figures"] = len(by_country)

    organizations = results(organizations_list.sync(client=client, page_size=100))
    organization = next(item for item in organizations if item.country_slug)
    by_country_too = results(
        organizations_list.sync(client=client, country=organization.country_slug)
    )
    assert {item.country_slug for item in by_country_too} == {organization.country_slug}
    found["organizations"] = len(by_country_too)

    milestones = results(milestones_list.sync(client=client, page_size=100))
    milestone = next(item for item in milestones if item.initiative_slug)
    by_initiative = results(
        milestones_list.sync(client=client, initiative=milestone.initiative_slug, page_size=100)
    )
    assert {item.initiative_slug for item in by_initiative} == {milestone.initiative_slug}
    found["milestones"] = len(by_initiative)

    applications = results(applications_list.sync(client=client, page_size=100))
    application = applications[0]
    by_mineral = results(
        applications_list.sync(client=client, mineral=application.mineral_slug, page_size=100)
    )
    assert {item.mineral_slug for item in by_mineral} == {application.mineral_slug}
    found["applications"] = len(by_mineral)

    minerals = results(minerals_list.sync(client=client, page_size=100))
    mineral = next(item for item in minerals if item.symbol)
    by_symbol = results(minerals_list.sync(client=client, search=mineral.symbol))
    assert mineral.slug in {item.slug for item in by_symbol}
    found["minerals"] = len(by_symbol)

    sources = results(sources_list.sync(client=client, page_size=100))
    source = sources[0]
    by_title = results(sources_list.sync(client=client, search=source.title.split()[0]))
    assert source.slug in {item.slug for item in by_title}
    newest = max(item.updated for item in sources)
    recent = results(sources_list.sync(client=client, updated_after=newest))
    assert recent and all(item.updated >= newest for item in recent)
    found["sources"] = len(by_title)
    return found


def figures_by_unit_then_value_down(base_url: str) -> list[tuple[str, str, str]]:
    """Figures ordered by two keys, as (unit, value, slug)."""
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    keys = [FiguresListOrderingItem.UNIT, FiguresListOrderingItem.VALUE_DESC]
    figures = results(figures_list.sync(client=client, ordering=keys, page_size=100))
    return [(figure.unit.value, figure.value, figure.slug) for figure in figures]


def figures_csv(base_url: str) -> list[dict[str, str]]:
    """The figures' CSV, ordered as the JSON may be, as rows of a csv.DictReader."""
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    keys = [FiguresListCsvOrderingItem.UNIT, FiguresListCsvOrderingItem.VALUE_DESC]
    text = figures_list_csv.sync(client=client, ordering=keys)
    assert isinstance(text, str), text
    return list(csv.DictReader(io.StringIO(text)))


def not_modified(base_url: str, slug: str) -> tuple[int, int, str]:
    """A figure read, then read again with its ETag: both statuses, and the tag."""
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    first = figures_retrieve.sync_detailed(slug, client=client)
    etag = first.headers["ETag"]
    again = figures_retrieve.sync_detailed(slug, client=client, if_none_match=etag)
    return first.status_code, again.status_code, etag


def write_a_draft(base_url: str, token: str) -> dict[str, Any]:
    """A new draft sector, changed with If-Match, then changed again on the ETag read
    before that change (a stale one: both changes are to the summary)."""
    client = AuthenticatedClient(
        base_url=base_url, token=token, prefix="Token", raise_on_unexpected_status=True
    )
    created = sectors_create.sync_detailed(
        client=client,
        body=SectorRequest(slug="robotics", name="Robotics", status=StatusEnum.DRAFT),
    )
    assert isinstance(created.parsed, Sector), created.content
    read = sectors_retrieve.sync_detailed("robotics", client=client)
    first_tag = read.headers["ETag"]
    changed = sectors_partial_update.sync_detailed(
        "robotics",
        client=client,
        body=PatchedSectorRequest(summary="Machines that sense and act."),
        if_match=first_tag,
    )
    assert isinstance(changed.parsed, Sector), changed.content
    stale = sectors_partial_update.sync_detailed(
        "robotics",
        client=client,
        body=PatchedSectorRequest(summary="Written on the version before that change."),
        if_match=first_tag,
    )
    assert isinstance(stale.parsed, Error), stale.content
    return {
        "created": (created.status_code, created.parsed.status, created.parsed.page),
        "changed": (changed.status_code, changed.parsed.summary),
        "stale": (stale.status_code, stale.parsed.detail),
    }


def write_back_what_was_read(base_url: str, token: str, slug: str) -> dict[str, Any]:
    """A sector read, its summary changed and the whole of it written back (the read's
    fields as the generated request takes them), with the ETag read in If-Match; then the
    same body with a field the API does not have, sent as raw JSON as a script might."""
    client = AuthenticatedClient(
        base_url=base_url, token=token, prefix="Token", raise_on_unexpected_status=True
    )
    read = sectors_retrieve.sync_detailed(slug, client=client)
    assert isinstance(read.parsed, Sector), read.content
    body = SectorRequest.from_dict(read.parsed.to_dict())
    body.summary = "Written back whole."
    written = sectors_update.sync_detailed(
        slug, client=client, body=body, if_match=read.headers["ETag"]
    )
    assert isinstance(written.parsed, Sector), written.content
    raw = client.get_httpx_client().put(
        f"/api/v1/sectors/{slug}/", json=written.parsed.to_dict() | {"sumary": "A typo."}
    )
    return {
        "written": (written.status_code, written.parsed.summary, written.parsed.name),
        "read_name": read.parsed.name,
        "typo": (raw.status_code, raw.json()),
    }
