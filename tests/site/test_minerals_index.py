"""The minerals index narrows and sorts with plain GET parameters, and says so when it cannot."""

import re

import pytest

pytestmark = pytest.mark.django_db


def mineral_names(response):
    html = response.content.decode()
    return re.findall(r'<h3><a href="/minerals/[^"]+/">([^<]+)</a>', html)


def test_unfiltered_index_shows_all_sixteen_minerals_by_name(client, content):
    names = mineral_names(client.get("/minerals/"))
    assert len(names) == 16
    assert names == sorted(names)


def test_group_filter_keeps_only_that_group(client, content):
    names = mineral_names(client.get("/minerals/?group=rare-earth"))
    assert set(names) == {
        "Neodymium",
        "Praseodymium",
        "Samarium",
        "Europium",
        "Terbium",
        "Scandium",
    }


def test_sector_filter_keeps_minerals_the_sector_depends_on(client, content):
    names = mineral_names(client.get("/minerals/?sector=energy"))
    assert set(names) == {"Lithium", "Cobalt", "Nickel"}


def test_rare_earth_filter_true_and_false_split_the_list(client, content):
    rare = set(mineral_names(client.get("/minerals/?rare_earth=true")))
    other = set(mineral_names(client.get("/minerals/?rare_earth=false")))
    assert "Neodymium" in rare and "Lithium" not in rare
    assert "Lithium" in other and "Neodymium" not in other
    assert len(rare) + len(other) == 16 and not rare & other


def test_filters_combine(client, content):
    names = mineral_names(client.get("/minerals/?sector=pharmaceuticals&rare_earth=false"))
    assert set(names) == {"Lithium", "Magnesium", "Zinc", "Selenium"}
    assert mineral_names(client.get("/minerals/?sector=defence&group=battery")) == []


def test_form_as_submitted_with_nothing_chosen_shows_everything(client, content):
    response = client.get("/minerals/?group=&sector=&rare_earth=&ordering=")
    assert response.status_code == 200
    assert len(mineral_names(response)) == 16


def test_no_match_explains_and_offers_the_full_list(client, content):
    response = client.get("/minerals/?sector=defence&group=battery")
    assert response.status_code == 200
    assert "No minerals match these filters" in response.content.decode()


def test_ordering_by_name_descending_reverses_the_list(client, content):
    ascending = mineral_names(client.get("/minerals/?ordering=name"))
    descending = mineral_names(client.get("/minerals/?ordering=-name"))
    assert descending == list(reversed(ascending))
    assert descending[0] == "Zinc"


def test_ordering_by_group_puts_groups_together(client, content):
    names = mineral_names(client.get("/minerals/?ordering=group"))
    assert names[:3] == ["Cobalt", "Lithium", "Nickel"]
    assert names.index("Neodymium") < names.index("Gallium")


def test_filter_form_keeps_the_readers_choices(client, content):
    html = client.get("/minerals/?group=battery&ordering=-name").content.decode()
    assert '<option value="battery" selected>' in html
    assert '<option value="-name" selected>' in html


@pytest.mark.parametrize(
    "query, field",
    [("group=bogus", "group"), ("sector=atlantis", "sector"), ("ordering=price", "ordering")],
)
def test_invalid_filter_value_is_a_400_with_a_message_by_the_field(client, content, query, field):
    response = client.get(f"/minerals/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html or f'id="id_{field}_error"' in html
    assert "Select a valid choice" in html
    assert mineral_names(response) == []


def test_a_field_error_is_tied_to_its_field_by_an_id_that_exists(client, content):
    import re

    html = client.get("/minerals/?group=bogus").content.decode()
    select = re.search(r'<select[^>]*name="group"[^>]*>', html).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', select).group(1).split()

    assert described_by, "the error is announced with the field"
    for element_id in described_by:
        assert f'id="{element_id}"' in html, element_id


def test_the_group_filter_offers_one_empty_choice(client, content):
    import re

    html = client.get("/minerals/").content.decode()
    select = re.search(r'<select[^>]*name="group"[^>]*>(.*?)</select>', html, re.S).group(1)
    empty = re.findall(r'<option value=""[^>]*>([^<]*)</option>', select)

    assert empty == ["Any group"]
