"""Factories of the partner lifecycle: applications, plans, reference implementations."""

import factory

from partners.models import Application, ApplicationStatus, PartnerType, ReferenceImplementation
from tests.factories import PartnerFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    company_name = factory.Sequence(lambda n: f"Applicant {n} Inc")
    website = factory.Sequence(lambda n: f"https://www.applicant{n}.example")
    website_domain = factory.Sequence(lambda n: f"applicant{n}.example")
    contact_name = "Pat Applicant"
    contact_email = factory.Sequence(lambda n: f"pat{n}@applicant{n}.example")
    country = "US"
    partner_type = PartnerType.RESELLER
    description = "We resell software to mid-market companies."
    status = ApplicationStatus.SUBMITTED


class ReferenceImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceImplementation

    partner = factory.SubFactory(PartnerFactory)
    customer_name = factory.Sequence(lambda n: f"Customer {n}")
    completed_on = factory.Faker("date_between", start_date="-300d", end_date="-1d")


def application_data(**overrides) -> dict:
    data = {
        "company_name": "Initech Solutions",
        "website": "https://www.initech.example/about",
        "contact_name": "Peter Gibbons",
        "contact_email": "peter@initech.example",
        "country": "GB",
        "partner_type": PartnerType.SYSTEMS_INTEGRATOR,
        "description": "We implement business software for manufacturers.",
    }
    data.update(overrides)
    return data
