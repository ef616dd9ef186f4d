"""A write whose JSON body is not an object gets a 400 saying so, never a 500."""

import pytest

from tests.api.resources import RESOURCES

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ["[1, 2]", "123"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_a_write_whose_body_is_not_an_object_answers_400_saying_so(
    content, publisher_api, resource, method, body
):
    address = (
        resource.list_url if method == "post" else resource.detail_url(resource.factory().slug)
    )

    response = getattr(publisher_api, method)(address, body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert "Expected a dictionary" in str(response.json())
