"""Directory API routes (the API doc: Partner directory)."""

from django.urls import path

from directory.api import DirectoryPartnersView

urlpatterns = [path("directory/partners/", DirectoryPartnersView.as_view(), name="directory-partners")]
