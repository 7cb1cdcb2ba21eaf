"""Print a new API token of a coordinator of the configured database, for the API fuzzing of
.ci/run. The demo's first coordinator is used; without one, a coordinator is made.

Run it with the environment of the server to fuzz (FABRIQUE_MODE, DATABASE_URL, ...):

    FABRIQUE_MODE=demo .venv/bin/python scripts/ci_api_token.py
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
django.setup()

from fabrique.accounts import actions  # noqa: E402
from fabrique.accounts.enums import OrganisationKind, Role  # noqa: E402
from fabrique.accounts.models import Membership, Organisation, User  # noqa: E402

CI_EMAIL = "ci.coordinator@example.org"


def coordinator() -> User:
    membership = (
        Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.user
    organisation, _ = Organisation.objects.get_or_create(
        slug="ci-consortium",
        defaults={"name": "CI consortium", "kind": OrganisationKind.CONSORTIUM},
    )
    user = User.objects.filter(email=CI_EMAIL).first() or User.objects.create_user(CI_EMAIL)
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


if __name__ == "__main__":
    user = coordinator()
    _, key = actions.create_api_token(user=user, name="ci")
    print(f"API token made for {user.email}", file=sys.stderr)
    print(key)
