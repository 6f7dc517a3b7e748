"""The signed listing statement is served with the other documents the portal's keys sign, under the receipts URL
names (receipts:listing_statement): the directory registers the route with receipts at ready() time."""

from django.urls import path

from directory import views
from receipts import routes

routes.register(path("directory/statements/<slug:slug>.json", views.statement, name="listing_statement"))
