from django.conf import settings


def portal(request):
    return {"portal_name": settings.PORTAL_NAME, "vendor_name": settings.VENDOR_NAME, "debug": settings.DEBUG}
