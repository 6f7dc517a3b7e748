"""MDF API bodies and answers (the API doc: MDF): what the viewsets in mdf/api.py read and return."""

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.reverse import reverse

from mdf.models import (
    ActivityType,
    EntryKind,
    Fund,
    MdfClaim,
    MdfRequest,
    MdfRequesters,
)
from mdf.validation import validate_positive_amount
from prm import inputs
from prm.money import CurrencySerializerField, to_money

MONEY = {"max_digits": 14, "decimal_places": 2}
# A fund's figures (mdf/models.py), in the order the API and the organisation export show them.
FUND_FIGURES = ("accrued", "allocated", "committed", "claimed", "paid", "expired", "available")
# The figures of a request and of a claim, in the order the API and the organisation export list them.
REQUEST_FIGURES = (
    "start_date",
    "end_date",
    "total_cost",
    "requested_amount",
    "approved_amount",
    "currency",
    "expected_leads",
)
CLAIM_FIGURES = ("actual_cost", "claimed_amount", "approved_amount", "currency", "results", "leads", "attendees")


class MdfFundSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id", read_only=True)

    class Meta:
        model = Fund
        fields = [
            "id",
            "partner",
            "period",
            "currency",
            *FUND_FIGURES,
            "recovery_owed",
            "expires_at",
            "status",
        ]


class MdfEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    created_at = serializers.DateTimeField(read_only=True)
    reference = serializers.CharField()
    deal = serializers.IntegerField(source="deal_id", allow_null=True)
    request = serializers.IntegerField(source="request_id", allow_null=True)
    claim = serializers.IntegerField(source="claim_id", allow_null=True)
    note = serializers.CharField()


class MdfActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["id", "name", "description", "reimbursement_rate", "proof_required", "preapproval_required", "active"]


class MdfRequestSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    activity_type = serializers.IntegerField(source="activity_type_id", read_only=True)
    claim_deadline = serializers.DateField(read_only=True)
    sourced_deals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MdfRequest
        fields = [
            "id",
            "partner",
            "activity_type",
            "title",
            "description",
            "status",
            *REQUEST_FIGURES,
            "decision_reason",
            "claim_deadline",
            "sourced_deals",
            "created_at",
            "decided_at",
        ]


class MdfRequestInSerializer(serializers.Serializer):
    activity_type = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = inputs.ApiSingleLineCharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    start_date = inputs.ApiDateField()
    end_date = inputs.ApiDateField()
    total_cost = serializers.DecimalField(**MONEY, min_value=0, validators=[validate_positive_amount])
    requested_amount = serializers.DecimalField(**MONEY, min_value=0, validators=[validate_positive_amount])
    expected_leads = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10**9, default=None
    )
    currency = CurrencySerializerField(required=False, default="")

    def validate_activity_type(self, value):
        activity = ActivityType.objects.filter(pk=value, active=True).first()
        if activity is None:
            raise serializers.ValidationError(gettext("Choose an activity from the menu."), code="invalid")
        return activity

    def validate_currency(self, value):
        return value or settings.DEFAULT_CURRENCY  # left out: the program currency


class MdfProofSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, proof) -> str:
        return reverse("api-mdf-proof", args=[proof.pk], request=self.context.get("request"))


class MdfClaimSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    proof = MdfProofSerializer(source="proofs", many=True, read_only=True)

    class Meta:
        model = MdfClaim
        fields = [
            "id",
            "request",
            "partner",
            "status",
            *CLAIM_FIGURES,
            "decision_reason",
            "payment_reference",
            "paid_at",
            "created_at",
            "proof",
        ]


class MdfClaimInSerializer(serializers.Serializer):
    request = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    actual_cost = serializers.DecimalField(**MONEY, min_value=0, validators=[validate_positive_amount])
    claimed_amount = serializers.DecimalField(**MONEY, min_value=0, validators=[validate_positive_amount])
    results = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    leads = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**9, default=None)
    attendees = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**9, default=None)


class MdfClaimUploadSerializer(MdfClaimInSerializer):
    """The multipart form of a claim: its fields plus one or more proof files under `proof`."""

    proof = serializers.ListField(child=serializers.FileField(), help_text="One or more proof files (PDF, images).")


# Left out or null: the amount asked for (the service's default); otherwise above zero.
class MdfAmountSerializer(serializers.Serializer):
    approved_amount = serializers.DecimalField(
        **MONEY, min_value=0, required=False, allow_null=True, default=None, validators=[validate_positive_amount]
    )

    def validate_approved_amount(self, value):
        return None if value is None else to_money(value)


class MdfReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MdfPaySerializer(serializers.Serializer):
    payment_reference = serializers.CharField(max_length=120)


class MdfAllocationSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    amount = serializers.DecimalField(**MONEY, min_value=0)
    reason = serializers.CharField(max_length=2000)
    currency = CurrencySerializerField(required=False, default="")


class MdfSourcedDealSerializer(serializers.Serializer):
    deal = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class MdfAccessSerializer(serializers.Serializer):
    partner = serializers.IntegerField(read_only=True)
    requesters = serializers.ChoiceField(
        choices=MdfRequesters.choices,
        help_text="everyone (the default) or admins_and_marketing: who of the partner's users request and claim MDF",
    )
    changed_by = serializers.IntegerField(read_only=True, allow_null=True)
    changed_at = serializers.DateTimeField(read_only=True, allow_null=True)
