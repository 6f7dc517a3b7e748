"""The twelve scorecard criteria (docs/analytics.md) and the default alert rules (editable data, not code)."""

from django.db import migrations

# key, name, source, kpi field, target (value scoring 100), weight, description
CRITERIA = [
    ("sourced_bookings", "Sourced bookings", "kpi", "sourced_bookings", "250000", 15,
     "Bookings of deals the partner registered and won in the quarter."),
    ("influenced_business", "Influenced business", "kpi", "influenced_bookings", "150000", 8,
     "Bookings of deals the partner influenced without sourcing them."),
    ("registered_deal_flow", "Registered deal flow", "kpi", "registered_deals", "10", 10,
     "Deals registered in the quarter."),
    ("pipeline_health", "Pipeline health", "kpi", "win_rate", "0.5", 10,
     "Win rate of the deals closed in the quarter."),
    ("sales_expertise", "Sales expertise", "kpi", "certified_people", "5", 8,
     "People holding a valid certification at the quarter's end."),
    ("technical_expertise", "Technical expertise", "rating", "", None, 8,
     "Depth of the technical team: implementations, architecture, support."),
    ("joint_marketing", "Joint marketing", "kpi", "mdf_utilisation", "0.8", 7,
     "Share of committed MDF spent on completed activities."),
    ("geographic_coverage", "Geographic coverage", "rating", "", None, 5,
     "How much of its target territory the partner actually covers."),
    ("vertical_coverage", "Vertical coverage", "rating", "", None, 5,
     "Depth in the industries the partner claims."),
    ("delivery_quality", "Delivery quality", "rating", "", None, 8,
     "Implementation quality: escalations, rework, reference customers."),
    ("customer_satisfaction", "Customer satisfaction", "rating", "", None, 8,
     "Customer feedback on the partner's work."),
    ("responsiveness", "Responsiveness", "kpi", "lead_acceptance_rate", "0.9", 8,
     "Share of leads passed in the quarter that the partner accepted."),
]

ALERT_RULES = [("no_deal", 90), ("certs_expiring", 30), ("score_drop", 10), ("leads_not_accepted", 2)]


def seed(apps, schema_editor):
    Criterion = apps.get_model("analytics", "ScorecardCriterion")
    for position, (key, name, source, field, target, weight, description) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            key=key,
            defaults={"name": name, "source": source, "kpi_field": field, "target": target, "weight": weight,
                      "position": position, "description": description},
        )
    Rule = apps.get_model("analytics", "AlertRule")
    for kind, threshold in ALERT_RULES:
        Rule.objects.get_or_create(kind=kind, defaults={"threshold": threshold})


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
