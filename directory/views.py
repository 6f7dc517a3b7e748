"""The public directory (no login, indexable, cached briefly): search, profiles, the two request forms, the signed
listing statement and its check, and the directory's sitemap (docs/directory.md)."""

import json
import math

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.decorators.http import require_GET

from directory import selectors, services, statements
from directory.forms import RequestForm, SearchForm
from directory.selectors import RANKING
from prm.api import AnonymousFormThrottle
from prm.views import run_form_service
from receipts.throttles import ReceiptVerifyThrottle

PUBLIC_MAX_AGE = 60


def _public(response):
    """Shared caches may keep what is the same for everyone: the sitemap and the signed statements. HTML pages
    carry the visitor's CSRF token (and a signed-in user's menu), so they are never publicly cached."""
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _throttled(throttle_class, request) -> int | None:
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait() or 1)


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = selectors.search(filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "ranking": RANKING, "query": query.urlencode(), "filtered": bool(filters)}
    return render(request, "directory/search.html", context, status=200 if not form.errors else 400)


class ProfileView(View):
    """One listing and its "Contact this partner" form."""

    def listing(self, slug):
        listing = selectors.profile(slug)
        if listing is None:
            raise Http404
        return listing

    def render_page(self, request, listing, form, status=200, **extra):
        context = {
            "listing": listing,
            "partner": listing.partner,
            "badges": selectors.certification_badges(listing),
            "form": form,
            **extra,
        }
        return render(request, "directory/profile.html", context, status=status)

    def get(self, request, slug):
        return self.render_page(request, self.listing(slug), RequestForm())

    def post(self, request, slug):
        listing = self.listing(slug)
        return _submit(
            request,
            RequestForm(request.POST),
            listing,
            lambda f, s, **e: self.render_page(request, listing, f, status=s, **e),
        )


def _submit(request, form, listing, render_page):
    wait = _throttled(AnonymousFormThrottle, request)
    if wait is not None:
        form.is_valid()
        response = render_page(form, 429, throttled=True)
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        lead = run_form_service(form, services.request_partner, data=form.cleaned_data, listing=listing)
        if lead is not None:
            request.session["directory_request"] = listing.partner.name if listing else ""
            return redirect("directory:thanks")
    return render_page(form, 400)


class MatchView(View):
    """The "Find me a partner" form: the routing rules choose."""

    def render_page(self, request, form, status=200, **extra):
        return render(request, "directory/match.html", {"form": form, **extra}, status=status)

    def get(self, request):
        return self.render_page(request, RequestForm())

    def post(self, request):
        return _submit(
            request, RequestForm(request.POST), None, lambda f, s, **e: self.render_page(request, f, status=s, **e)
        )


def thanks(request):
    partner = request.session.pop("directory_request", None)
    return render(request, "directory/thanks.html", {"partner": partner})


def statement(request, slug):
    """The signed listing statement (public, like a receipt): re-issued on each request, valid for a week."""
    listing = selectors.profile(slug)
    if listing is None:
        raise Http404
    response = JsonResponse(statements.issue(listing), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'inline; filename="listing-{listing.slug}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)


class VerifyStatementView(View):
    template_name = "directory/verify.html"
    MAX_BYTES = 64 * 1024

    def get(self, request):
        return render(request, self.template_name, {"text": ""})

    def post(self, request):
        text = (request.POST.get("statement") or "")[: self.MAX_BYTES]
        wait = _throttled(ReceiptVerifyThrottle, request)
        if wait is not None:
            response = render(request, self.template_name, {"text": text, "throttled": True}, status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            result = statements.check(json.loads(text))
        except (ValueError, RecursionError):
            result = "unreadable"
        return render(request, self.template_name, {"text": text, "result": result})


@require_GET
def sitemap(request):
    urls = [request.build_absolute_uri(reverse("directory:search"))] + [
        request.build_absolute_uri(reverse("directory:profile", args=[slug])) for slug in selectors.sitemap_slugs()
    ]
    body = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    return _public(HttpResponse(xml, content_type="application/xml"))
