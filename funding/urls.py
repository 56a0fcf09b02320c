from django.urls import path

from funding import downloads, explorer, views

# The fixed addresses come before the award page's, which takes any identifier, slashes
# and all (360G-Wellcome-215678/Z/19/Z).
urlpatterns = [
    path("", explorer.explorer, name="funding-explorer"),
    path("awards.csv", downloads.download_csv, name="award-download-csv"),
    path("awards.json", downloads.download_json, name="award-download-json"),
    path("360giving.json", downloads.download_360giving, name="award-download-360giving"),
    path(
        "360giving.xlsx",
        downloads.download_360giving_xlsx,
        name="award-download-360giving-xlsx",
    ),
    path("programmes/", views.ProgrammeListView.as_view(), name="funding-programme-list"),
    path(
        "programmes/<slug:slug>/",
        views.ProgrammeDetailView.as_view(),
        name="funding-programme-detail",
    ),
    path("funders/", views.funder_list, name="funder-list"),
    path("recipients/", views.recipient_list, name="recipient-list"),
    path("<path:identifier>/", views.AwardDetailView.as_view(), name="award-detail"),
]
