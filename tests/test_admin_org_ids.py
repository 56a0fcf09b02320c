"""The Organisation admin refuses an org-id whose list the org-id register does not have or no
longer uses (its codes kept offline in docs/standards/org-id/lists.json), saying why."""

import pytest
from django.utils.html import escape

from mmip.models import Organisation
from tests import factories
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def save_with_org_id(client, organisation, org_id: str):
    url = admin_url(Organisation, "change", organisation.pk)
    data = form_data(client.get(url))
    data["org_id"] = org_id
    return client.post(url, data)


@pytest.mark.parametrize(
    ("org_id", "words"),
    [
        (
            "GB-XYZ-1234567",
            "“GB-XYZ” is not a list of the org-id register (org-id.guide). Start the identifier "
            "with the code of the list the organisation is registered in, such as GB-COH "
            "(Companies House), GB-CHC (the Charity Commission) or GB-GOR (government bodies).",
        ),
        (
            "GB-GOVUK-department-of-health",
            "The org-id register no longer uses the list GB-GOVUK (GOV.UK - UK Government "
            "Departments, Agencies & Public Bodies). Give the organisation's identifier in a "
            "current list",
        ),
    ],
)
def test_an_org_id_outside_the_register_s_current_lists_is_refused_saying_why(
    editor_client, org_id, words
):
    organisation = factories.OrganisationFactory(org_id="")

    response = save_with_org_id(editor_client, organisation, org_id)

    assert response.status_code == 200  # the form again, not a redirect
    (message,) = response.context["adminform"].form.errors["org_id"]
    assert message.startswith(words)
    assert escape(message) in response.content.decode()  # shown beside the field
    organisation.refresh_from_db()
    assert organisation.org_id == ""


def test_an_org_id_of_a_current_list_is_saved(editor_client):
    organisation = factories.OrganisationFactory(org_id="")

    response = save_with_org_id(editor_client, organisation, "GB-SC-SC012345")

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.org_id == "GB-SC-SC012345"
