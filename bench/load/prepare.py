"""Credentials for the load test: session cookies and API tokens of seeded users, written as JSON.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_load python -m bench.load.prepare --out creds.json

Run by bench/load/run_load.py after seeding; not an app command (it needs no INSTALLED_APPS entry). Picks
active partner users of active partners plus the seeded channel managers and finance users, gives internal
users a TOTP authenticator when they have none (with DEBUG off they may reach pages only with MFA set up,
exactly as the MFA middleware checks), and for each user creates a logged-in session (as
`Client.force_login` does) and a read-write API token through `accounts.services.create_api_token`.
"""

import argparse
import json
import os


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--partner-users", type=int, default=60, help="partner users to log in")
    parser.add_argument("--internal-users", type=int, default=6, help="channel managers and finance users each")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from accounts.models import Role, User
    from accounts.services import create_api_token, user_has_mfa
    from accounts.testing import force_full_login
    from partners.models import PartnerStatus

    def credentials(user) -> dict:
        if user.is_internal and not user_has_mfa(user):
            TOTP.activate(user, generate_totp_secret())
        client = Client()
        force_full_login(client, user)
        _, secret = create_api_token(user=user, name="load test")
        return {"email": user.email, "session": client.cookies["sessionid"].value, "token": secret}

    partner_users = User.objects.filter(
        is_active=True,
        role__in=[Role.PARTNER_ADMIN, Role.PARTNER_USER],
        partner__status=PartnerStatus.ACTIVE,
    ).order_by("pk")[: args.partner_users]
    out = {"partner": [credentials(u) for u in partner_users]}
    for key, role in (("channel_manager", Role.CHANNEL_MANAGER), ("finance", Role.FINANCE)):
        users = User.objects.filter(is_active=True, role=role).order_by("pk")[: args.internal_users]
        out[key] = [credentials(u) for u in users]
    for key, rows in out.items():
        if not rows:
            raise SystemExit(f"no {key} users in the database: seed it first (seed_demo)")
    with open(args.out, "w") as fh:
        json.dump(out, fh)
    print("credentials: " + ", ".join(f"{len(rows)} {key}" for key, rows in out.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
