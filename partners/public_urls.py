"""Partner pages outside /partners/ (recruiting: /partner-with-us/, /applications/). Filled by the
partner lifecycle issue."""

urlpatterns: list = []
