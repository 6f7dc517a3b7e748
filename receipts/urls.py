"""Signed registration receipts and verifiable credentials pages."""

from django.urls import path

from receipts import routes, views

app_name = "receipts"

urlpatterns = [
    path("receipts/verify/", views.VerifyReceiptView.as_view(), name="verify"),
    path("receipts/<uuid:uuid>.json", views.ReceiptDownloadView.as_view(), name="json"),
    path("receipts/<uuid:uuid>.pdf", views.ReceiptDownloadView.as_view(as_pdf=True), name="pdf"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(".well-known/did.json", views.did_document, name="did"),
    # Filled by the apps that sign documents with the portal's keys (enablement: a certificate's credential).
    *routes.registered(),
]
