"""A public answer names what it shows in ``Surrogate-Key``/``xkey`` within a length a
shared cache accepts (Varnish refuses a header over 8 KB), however many items it shows:
past the cap a kind's items are named by the kind's list, which every change to the
kind purges."""

import pytest

from publishing import cache

pytestmark = pytest.mark.django_db

BIG_LIST = "/api/v1/minerals/?page_size=100"


def test_a_long_api_list_names_its_kind_within_the_length_cap(content, reader):
    for expected in ("miss", "hit"):
        response = reader.get(BIG_LIST)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == expected
        value = response["Surrogate-Key"]
        assert response["xkey"] == value
        assert len(value) <= cache.SURROGATE_KEY_LENGTH, len(value)
        assert "minerals.mineral:list" in value.split()
