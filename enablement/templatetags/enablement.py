from django import template

from enablement import credentials, selectors
from enablement.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.inclusion_tag("enablement/partials/home_panel_body.html")
def learning_panel(user):
    return selectors.home_panel(user)


@register.simple_tag
def linkedin_add_url(certificate):
    return credentials.linkedin_add_url(certificate)
