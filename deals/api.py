"""Deals API (the API doc: Deals). Thin: parse, call a service or selector, serialise."""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from deals import selectors, services, validation
from deals.models import CUSTOMER_FIELDS, DealRegistration, DealSource, DealStatus, InfluenceKind, Lead, LeadStatus
from partners.models import Partner
from prm import inputs
from prm.api import IsoDateTimeFilter
from prm.api import validated_body as _body
from prm.imports import mark_nul_cells
from prm.money import CurrencySerializerField, to_money
from prm.tenancy import get_visible_or_404


# The outcome fields a registration's answers share: its reason, duplicate and message.
class OutcomeFieldsSerializer(serializers.ModelSerializer):
    reason = serializers.SerializerMethodField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", read_only=True, allow_null=True)
    message = serializers.SerializerMethodField()

    def get_reason(self, deal) -> str | None:
        return deal.reason or None

    def get_message(self, deal) -> str:
        return services.outcome_message(deal)


class DealSerializer(OutcomeFieldsSerializer):
    partner = serializers.IntegerField(source="partner_id", read_only=True, allow_null=True)

    class Meta:
        model = DealRegistration
        fields = [
            "id",
            "partner",
            "source",
            *CUSTOMER_FIELDS,
            "deal_type",
            "status",
            "reason",
            "message",
            "amount",
            "currency",
            "expected_close_date",
            "close_date",
            "protected_until",
            "duplicate_of",
            "extension_status",
            "created_at",
        ]


class InternalDealSerializer(DealSerializer):
    """Internal users also see the matched account and why it matched."""

    partner_name = serializers.CharField(source="partner.name", read_only=True, allow_null=True, default=None)
    account = serializers.IntegerField(source="account_id", read_only=True)
    conflict_with = serializers.IntegerField(source="conflict_with_id", read_only=True, allow_null=True)

    class Meta(DealSerializer.Meta):
        fields = [
            *DealSerializer.Meta.fields,
            "partner_name",
            "account",
            "conflict_with",
            "match_evidence",
            "decision_note",
        ]


class CustomerFieldsMixin:
    """The conversions a registration's and a lead's customer fields share (the rules: deals.validation)."""

    def validate_customer_country(self, value):
        return validation.country_code(value)

    def validate_currency(self, value):
        return value or settings.DEFAULT_CURRENCY  # left out: the program currency


class RegistrationSerializer(CustomerFieldsMixin, serializers.Serializer):
    """the API doc body of POST /deals/, converted to deals.registration.register_deal's arguments."""

    customer_name = inputs.ApiSingleLineCharField(max_length=200)
    customer_domain = serializers.CharField(
        max_length=253, required=False, allow_blank=True, default="", validators=[validation.validate_customer_domain]
    )
    customer_country = serializers.CharField(max_length=2)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = CurrencySerializerField(required=False, default="")
    expected_close_date = inputs.ApiDateField(
        required=False, allow_null=True, default=None, validators=[validation.validate_not_past]
    )
    deal_type = serializers.CharField(
        required=False, default="new_business", validators=[validation.validate_deal_type]
    )
    mdf_request = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the approved MDF activity that sourced it."
    )


class RegistrationOutcomeSerializer(OutcomeFieldsSerializer):
    class Meta:
        model = DealRegistration
        fields = ["id", "status", "reason", "protected_until", "duplicate_of", "message"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WonSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    close_date = inputs.ApiDateField(help_text="Between the registration date and today")
    currency = CurrencySerializerField(required=False, default="")
    close_date_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Channel managers: why the close date is before the registration date (audited)",
    )

    def validate_amount(self, value):
        return to_money(value)


class InfluenceSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=InfluenceKind.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExtensionRequestedSerializer(serializers.Serializer):
    extension = serializers.ChoiceField(choices=["requested"])


class InfluenceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deal = serializers.IntegerField(source="deal_id")
    partner = serializers.IntegerField(source="partner_id")
    kind = serializers.CharField()
    created_at = serializers.DateTimeField(read_only=True)


def filter_visible_partner(queryset, request, value):
    """the API doc: a ?partner= naming another partner is a 404 for partner users, like any object outside."""
    get_visible_or_404(Partner, request.user, pk=value)
    return queryset.filter(partner_id=value)


class PartnerIdFilter(django_filters.NumberFilter):
    """`?partner=<id>`: a whole number, and a partner the caller may see (else 404)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("label", "Partner id (another partner's id is a 404)")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return filter_visible_partner(qs, self.parent.request, int(value))


class DealApiFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DealStatus.choices)
    partner = PartnerIdFilter()
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601), for sync"
    )
    source = django_filters.ChoiceFilter(choices=DealSource.choices)

    class Meta:
        model = DealRegistration
        fields = ["status", "partner", "created_after", "created_before", "updated_since", "source"]


class LeadApiFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=LeadStatus.choices)
    partner = PartnerIdFilter()
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Lead
        fields = ["status", "partner", "created_after", "created_before"]


@extend_schema_view(
    list=extend_schema(summary="Deals (partner users: their organisation's; internal: all)"),
    retrieve=extend_schema(summary="One deal; 404 outside the caller's tenancy"),
)
class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = DealApiFilter

    def get_queryset(self):
        return selectors.deal_list(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self):
        user = self.request.user
        return InternalDealSerializer if access.is_internal(user) else DealSerializer

    def _deal(self):
        return get_visible_or_404(
            DealRegistration.objects.select_related("partner__tier"), self.request.user, pk=self.kwargs["pk"]
        )

    def _out(self, deal):
        deal.refresh_from_db()
        return Response(self.get_serializer_class()(deal).data)

    def _with_reason(self, request, service, permission, *, per_deal=False):
        """An action whose body is a reason: the permission is checked first (403 before the body's 400)."""
        deal = self._deal()
        access.require(request.user, permission, *((deal,) if per_deal else ()))
        return self._out(service(deal=deal, actor=request.user, reason=_body(ReasonSerializer, request)["reason"]))

    @extend_schema(request=RegistrationSerializer, responses={201: RegistrationOutcomeSerializer})
    def create(self, request):
        access.require(request.user, "deals.register", standing=False)  # 403 before the body's 400
        data = _body(RegistrationSerializer, request)
        deal = services.register_deal(user=request.user, **data)
        return Response(RegistrationOutcomeSerializer(deal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        deal = self._deal()
        return self._out(
            services.approve_deal(deal=deal, actor=request.user, note=_body(NoteSerializer, request)["note"])
        )

    @extend_schema(request=ReasonSerializer, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._with_reason(request, services.reject_deal, "deals.reject")

    @extend_schema(request=NoteSerializer, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"], url_path="accept-influence")
    def accept_influence(self, request, pk=None):
        deal = self._deal()
        note = _body(NoteSerializer, request)["note"]
        return self._out(services.accept_as_influence(deal=deal, actor=request.user, note=note))

    @extend_schema(request=WonSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def won(self, request, pk=None):
        deal = self._deal()
        access.require(request.user, "deals.mark_won", deal)  # 403 before the body's 400
        body = _body(WonSerializer, request)
        deal = services.mark_won(
            deal=deal,
            actor=request.user,
            amount=body["amount"],
            close_date=body["close_date"],
            currency=body["currency"] or None,
            close_date_reason=body["close_date_reason"],
        )
        return self._out(deal)

    @extend_schema(request=ReasonSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        return self._with_reason(request, services.mark_lost, "deals.mark_lost", per_deal=True)

    @extend_schema(request=None, responses=ExtensionRequestedSerializer, summary="Ask for the one 30-day extension")
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        deal = self._deal()
        services.request_extension(deal=deal, actor=request.user)
        return Response({"extension": "requested"})

    @extend_schema(request=None, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"], url_path="extension/approve")
    def approve_extension(self, request, pk=None):
        return self._out(services.decide_extension(deal=self._deal(), actor=request.user, approve=True))

    @extend_schema(request=ReasonSerializer, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"], url_path="extension/decline")
    def decline_extension(self, request, pk=None):
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        return self._out(
            services.decide_extension(deal=self._deal(), actor=request.user, approve=False, reason=str(reason))
        )

    @extend_schema(request=ReasonSerializer, responses=InternalDealSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._with_reason(request, services.reopen_deal, "deals.reopen")

    @extend_schema(request=InfluenceSerializer, responses={201: InfluenceOutSerializer})
    @action(detail=True, methods=["post"])
    def influences(self, request, pk=None):
        deal = self._deal()
        access.require(request.user, "deals.record_influence", standing=False)  # 403 before the body's 400
        body = _body(InfluenceSerializer, request)
        partner = Partner.objects.filter(pk=body["partner"]).first()
        if partner is None:
            raise serializers.ValidationError({"partner": [_("No such partner.")]})
        influence = services.add_influence(
            deal=deal, actor=request.user, partner=partner, kind=body["kind"], note=body["note"]
        )
        return Response(InfluenceOutSerializer(influence).data, status=status.HTTP_201_CREATED)


class LeadSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id", read_only=True, allow_null=True)
    deal = serializers.IntegerField(source="deal_id", read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "partner",
            *CUSTOMER_FIELDS,
            "amount",
            "currency",
            "status",
            "accept_by",
            "decline_reason",
            "deal",
            "created_at",
            "source",
            "routed",
        ]
        read_only_fields = ["source", "routed"]


class LeadWarningsSerializer(LeadSerializer):
    """The answer to creating or assigning a lead (docs/policy.md, "Leads for protected customers"): the lead
    and what the channel manager must know, e.g. that a partner's registration protects the customer."""

    customer_protected = serializers.BooleanField(read_only=True)
    warnings = serializers.SerializerMethodField()

    class Meta(LeadSerializer.Meta):
        fields = [*LeadSerializer.Meta.fields, "customer_protected", "warnings"]

    def get_warnings(self, lead) -> list[str]:
        return [str(w) for w in getattr(lead, "warnings", ())]


class LeadCreateSerializer(CustomerFieldsMixin, serializers.Serializer):
    partner = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    customer_name = serializers.CharField(max_length=200)
    customer_domain = serializers.CharField(max_length=253, required=False, allow_blank=True, default="")
    customer_country = serializers.CharField(max_length=2)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default=0)
    currency = CurrencySerializerField(required=False, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate_amount(self, value):
        return to_money(value)


class AssignSerializer(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leads passed to partners: managers create and assign; partners accept or decline."""

    serializer_class = LeadSerializer
    filterset_class = LeadApiFilter

    def get_queryset(self):
        return selectors.leads_for(self.request.user).order_by("-created_at", "-id")

    def _lead(self):
        return get_visible_or_404(Lead, self.request.user, pk=self.kwargs["pk"])

    def _partner(self, pk):
        partner = Partner.objects.filter(pk=pk).first()
        if partner is None:
            raise serializers.ValidationError({"partner": [_("No such partner.")]})
        return partner

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadWarningsSerializer})
    def create(self, request):
        body = _body(LeadCreateSerializer, request)
        partner_id = body.pop("partner", None)
        access.require(request.user, "deals.create_lead")
        partner = self._partner(partner_id) if partner_id else None
        lead = services.create_lead(actor=request.user, partner=partner, **body)
        return Response(LeadWarningsSerializer(lead).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=LeadWarningsSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        lead = self._lead()
        access.require(request.user, "deals.assign_lead")  # 403 before the body's 400
        partner = self._partner(_body(AssignSerializer, request)["partner"])
        lead = services.assign_lead(lead=lead, actor=request.user, partner=partner)
        return Response(LeadWarningsSerializer(lead).data)

    @extend_schema(request=None, responses=RegistrationOutcomeSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        deal = services.accept_lead(lead=self._lead(), actor=request.user)
        return Response(RegistrationOutcomeSerializer(deal).data)

    @extend_schema(request=ReasonSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        lead = self._lead()
        access.require(request.user, "deals.decline_lead", lead)  # 403 before the body's 400
        lead = services.decline_lead(lead=lead, actor=request.user, reason=_body(ReasonSerializer, request)["reason"])
        return Response(LeadSerializer(lead).data)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True, allow_blank=True)
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    dry_run = serializers.BooleanField()


class AccountImportView(APIView):
    """POST /api/v1/accounts/import/: CSV (`name, domain, country, kind, owner_email`), `?dry_run=1`."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        parameters=[
            OpenApiParameter("dry_run", bool, required=False, description="1: check the file, change nothing"),
        ],
        responses=ImportResultSerializer,
        summary="Import direct customers and open direct opportunities (CSV)",
    )
    def post(self, request):
        access.require(request.user, "deals.import_accounts")
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Attach the CSV file as `file`.")]})
        try:
            content = mark_nul_cells(upload.read().decode("utf-8-sig"))  # NUL cells: row errors
        except UnicodeDecodeError:
            raise serializers.ValidationError({"file": [_("The file must be UTF-8 text.")]}) from None
        dry_run = str(request.query_params.get("dry_run", "")).lower() in ("1", "true", "yes")
        job = services.start_account_import(actor=request.user, content=content, file_name=upload.name, dry_run=dry_run)
        job = services.run_account_import(import_id=job.pk)
        body = {"created": job.created, "updated": job.updated, "errors": job.errors, "dry_run": job.dry_run}
        return Response(ImportResultSerializer(body).data)
