"""Private availability check API (the API doc: Private availability checks; docs/private-check.md).

PSI messages travel as base64 strings of their protobuf bytes; a check's body carries only blinded keys, never a
name or domain."""

import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.permissions import IsPortalUser
from availability import selectors, services
from deals import normalisation

MAX_PROSPECTS = 100_000
MAX_REQUEST_CHARS = 2 * MAX_PROSPECTS * 48  # base64 of 2 compressed points (33 bytes + framing) per prospect

IsChecker = access.PermissionRequired("availability.check", object_level=False)


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


class PolicyViewSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    show_dates = serializers.BooleanField()
    counts_only = serializers.BooleanField()
    daily_limit = serializers.IntegerField()


class SetupSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text="`protected` or `direct`.")
    until = serializers.DateField(
        read_only=True, allow_null=True, help_text="Protected: the latest end in this bucket (dates on)."
    )
    setup = serializers.CharField(help_text="base64 of the PSI ServerSetup protobuf.")


class SpecSerializer(serializers.Serializer):
    policy = PolicyViewSerializer()
    remaining_today = serializers.IntegerField(help_text="Prospects the partner may still check today.")
    normalisation = serializers.DictField(help_text="deals/normalisation.json: the rules and constants.")
    free_mail = serializers.ListField(child=serializers.CharField(), help_text="Domains that give no domain key.")
    setups = SetupSerializer(many=True)


class CheckRequestSerializer(serializers.Serializer):
    prospects = serializers.IntegerField(min_value=1, max_value=MAX_PROSPECTS)
    request = serializers.CharField(
        max_length=MAX_REQUEST_CHARS, help_text="base64 of the PSI client Request (two items per prospect)."
    )
    channel = serializers.ChoiceField(choices=["web", "cli"], default="cli", required=False)

    def validate_request(self, value):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Send the request as base64.")) from None


class CheckResponseSerializer(serializers.Serializer):
    response = serializers.CharField(help_text="base64 of the PSI Response to the request.")
    yours = serializers.CharField(help_text="base64 of the PSI ServerSetup of the partner's own registrations.")
    remaining_today = serializers.IntegerField()
    counts_only = serializers.BooleanField()


class AvailabilitySpecView(APIView):
    """GET /api/v1/availability/: the policy, the normalisation and the precomputed setups a client needs."""

    permission_classes = [IsPortalUser, IsChecker]

    @extend_schema(responses=SpecSerializer, summary="What a private availability check needs (PSI setups)")
    def get(self, request):
        policy = selectors.policy_in_force()
        body = {
            "policy": policy,
            "remaining_today": selectors.remaining_today(request.user.partner_id, policy),
            "normalisation": normalisation.SPEC,
            "free_mail": sorted(d.lower() for d in settings.FREE_MAIL_DOMAINS),
            "setups": [
                {"answer": s.category, "until": s.until if policy.show_dates else None, "setup": b64(s.data)}
                for s in selectors.current_setups(policy)
            ],
        }
        return Response(SpecSerializer(body).data)


class AvailabilityCheckView(APIView):
    """POST /api/v1/availability/checks/: answer a blinded PSI request, within the daily limit."""

    permission_classes = [IsPortalUser, IsChecker]

    @extend_schema(
        request=CheckRequestSerializer,
        responses=CheckResponseSerializer,
        summary="Run a private availability check (PSI, counted against the daily limit)",
    )
    def post(self, request):
        data = CheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.run_check(
            user=request.user,
            request_bytes=data.validated_data["request"],
            prospects=data.validated_data["prospects"],
            channel=data.validated_data.get("channel", "cli"),
        )
        body = {**result, "response": b64(result["response"]), "yours": b64(result["yours"])}
        return Response(CheckResponseSerializer(body).data)
