"""The skills pages live under /skills/."""

from django.urls import path

from skills import views

urlpatterns = [
    path("", views.skills, name="skills"),
    path(
        "programmes/<slug:slug>/",
        views.ApprenticeshipProgrammeDetailView.as_view(),
        name="apprenticeship-programme-detail",
    ),
]
