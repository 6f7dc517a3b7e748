"""A certificate's Open Badges credential is served with the other documents the portal's keys sign, under the
receipts URL names (receipts:credential): enablement registers the route with receipts at ready() time."""

from django.urls import path

from enablement.views import certificates
from receipts import routes

routes.register(path("certificates/<str:code>/credential.json", certificates.credential, name="credential"))
