"""`manage.py signing_keys generate|publish|list|retire <kid>`: the portal's Ed25519 signing keys.

Rotation (docs/receipts.md): `generate` prints a new SIGNING_KEYS entry; put it first in SIGNING_KEYS (keep the
old entry after it for a while, or drop it: its public half stays published), deploy, run `publish`, then
`retire <old kid>`. Retired keys sign nothing new but keep verifying what they signed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from receipts import signing
from receipts.models import SigningKey


class Command(BaseCommand):
    help = "Manage the Ed25519 keys that sign registration receipts and credentials."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="Print a new SIGNING_KEYS entry (kid:base64url-seed).")
        generate.add_argument("kid", nargs="?", help="Key id (default: key-<UTC timestamp>).")
        sub.add_parser("publish", help="Record the public half of every configured key.")
        sub.add_parser("list", help="List published keys.")
        retire = sub.add_parser("retire", help="Mark a key retired (it still verifies what it signed).")
        retire.add_argument("kid")

    def handle(self, *args, action, **options):
        if action == "generate":
            kid = options.get("kid") or timezone.now().strftime("key-%Y%m%d%H%M%S")
            if ":" in kid or not kid.strip():
                raise CommandError("A key id may not contain ':'.")
            self.stdout.write(signing.new_key_entry(kid))
            self.stderr.write(
                "Put this entry first in SIGNING_KEYS (comma-separated), then run `signing_keys publish`."
            )
        elif action == "publish":
            signing.reset_cache()
            signing.publish_keys()
            self.stdout.write(f"Published {len(signing.key_ring())} configured key(s).")
        elif action == "list":
            configured = {pair.kid for pair in _ring_or_empty()}
            active = next(iter(_ring_or_empty()), None)
            for row in SigningKey.objects.order_by("-created_at", "-id"):
                state = "retired " + row.retired_at.isoformat() if row.retired_at else "published"
                if active is not None and row.kid == active.kid:
                    state = "active (signs)"
                elif row.kid in configured and not row.retired_at:
                    state = "configured"
                self.stdout.write(f"{row.kid}\t{row.algorithm}\t{row.public_key}\t{state}")
        elif action == "retire":
            updated = SigningKey.objects.filter(kid=options["kid"], retired_at__isnull=True).update(
                retired_at=timezone.now()
            )
            if not updated and not SigningKey.objects.filter(kid=options["kid"]).exists():
                raise CommandError(f"No published key {options['kid']!r}.")
            self.stdout.write(f"Retired {options['kid']}; it still verifies what it signed.")
            active = next(iter(_ring_or_empty()), None)
            if active is not None and active.kid == options["kid"]:
                self.stderr.write("Warning: this key is still first in SIGNING_KEYS and keeps signing; rotate first.")


def _ring_or_empty():
    try:
        return signing.key_ring()
    except Exception:
        return []
