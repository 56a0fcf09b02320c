from django.urls import path

from funding import views

urlpatterns = [
    path("<str:identifier>/", views.AwardDetailView.as_view(), name="award-detail"),
]
