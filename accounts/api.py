"""Identity and tokens (the API doc): POST /auth/token/, GET /me/, /tokens/."""

import django_filters
from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import ApiToken, Role, TokenScope, User
from prm import inputs

LOGIN_RETRY_AFTER_SECONDS = 15 * 60


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The current TOTP code or an unused recovery code; required for every user with an authenticator "
        "(all internal roles). Missing or wrong: 400 on `otp`, counted as a failed login (docs/login.md).",
    )


class ObtainTokenView(APIView):
    """Exchange e-mail and password (plus an MFA code for internal roles) for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong credentials, or a missing or wrong `otp` code"),
            403: OpenApiResponse(description="Internal role without MFA set up"),
            429: OpenApiResponse(description="Too many failed attempts; see Retry-After"),
        },
        auth=[],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        email = form.validated_data["email"].lower()
        # The per-address limit of the login form (allauth's login action, per client address: docs/proxies.md).
        if not ratelimit.consume(request._request, app="allauth.account", action="login"):
            return self.throttled_response()
        try:
            user = get_adapter(request._request).authenticate(
                request._request, email=email, password=form.validated_data["password"]
            )
        except DjangoValidationError:  # allauth's "too many login attempts"
            return self.throttled_response()
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("Unable to log in with the e-mail and password given.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        has_mfa = services.user_has_mfa(user)
        if user.mfa_required and not has_mfa:
            return Response(
                {"detail": _("Set up two-factor authentication in the portal first."), "code": "mfa_required"},
                status=status.HTTP_403_FORBIDDEN,
            )
        if has_mfa:  # internal roles must; a partner user who turned MFA on is protected by it here too
            # A right password rolls back allauth's failed-login count, so wrong codes are counted on
            # their own, in the same bucket as allauth's MFA login stage; else codes could be guessed.
            attempt = ratelimit.consume(
                request._request, app="allauth.account", action="login_failed", key=f"mfa-auth-user-{user.pk}"
            )
            if not attempt:
                return self.throttled_response()
            if not services.verify_mfa_code(user, form.validated_data.get("otp", "")):
                # A missing or wrong code is a failed login of this e-mail too, as a wrong password is
                # (docs/login.md): the password alone never gets a token, nor endless tries at the code.
                try:
                    get_adapter(request._request).pre_authenticate(request._request, email=email)
                except DjangoValidationError:
                    return self.throttled_response()
                return Response(
                    {"otp": [_("Enter the current code from your authenticator app or a recovery code.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            attempt.rollback()
        _token, secret = services.create_api_token(user=user, name="API login", scope=TokenScope.READ_WRITE)
        return Response({"token": secret})

    @staticmethod
    def throttled_response():
        return Response(
            {"detail": _("Too many failed login attempts. Try again later."), "code": "throttled"},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(LOGIN_RETRY_AFTER_SECONDS)},
        )


class MePartnerSerializer(serializers.Serializer):
    """The caller's partner organisation."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    tier = serializers.CharField(source="tier.name")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    partner = MePartnerSerializer(allow_null=True)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The caller: id, e-mail, role and partner")
    def get(self, request):
        user = request.user
        if user.partner_id:
            # request.user is a lazy proxy under session auth: query the model, not type(user).
            user = User.objects.select_related("partner__tier").get(pk=user.pk)
        return Response(MeSerializer(user).data)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "scope", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]


class CreatedApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    scope = serializers.CharField()
    token = serializers.CharField(help_text="The secret, shown only in this response.")


class ApiTokenFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=TokenScope.choices)
    created_after = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = ApiToken
        fields = ["scope", "created_after", "created_before"]


@extend_schema_view(
    list=extend_schema(summary="The caller's own API tokens (never their secrets)"),
    destroy=extend_schema(summary="Revoke one of the caller's tokens; it gets 401 from then on"),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens. The secret is returned once, when the token is created."""

    serializer_class = ApiTokenSerializer
    filterset_class = ApiTokenFilter

    def get_queryset(self):
        return ApiToken.objects.visible_to(self.request.user).active().order_by("-created_at", "-id")

    @extend_schema(
        request=ApiTokenSerializer,
        responses={201: CreatedApiTokenSerializer},
        summary="Create a token; its secret is shown only in this response",
    )
    def create(self, request):
        form = ApiTokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        token, secret = services.create_api_token(
            user=request.user,
            name=form.validated_data["name"],
            scope=form.validated_data.get("scope", TokenScope.READ_WRITE),
        )
        body = {"id": token.pk, "name": token.name, "scope": token.scope, "token": secret}
        return Response(CreatedApiTokenSerializer(body).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        with transaction.atomic():
            services.revoke_api_token(user=self.request.user, token=instance)
