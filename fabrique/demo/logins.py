"""The demo's logins: one per role, all with the same password, printed by ``fabrique demo``."""

from __future__ import annotations

from dataclasses import dataclass

from fabrique.accounts.enums import Role
from fabrique.demo.world import EMAIL_DOMAIN, FORBACH, FUNDER, OPERATOR, REGION

# One password for every demo account; it passes Django's password validators.
DEMO_PASSWORD = "demo-fabrique-2026"


@dataclass(frozen=True)
class LoginSpec:
    role: str
    email: str
    first_name: str
    last_name: str
    organisation: str  # slug
    look_at: str
    staff: bool = False


LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec(
        Role.PLATFORM_ADMIN,
        f"admin@{EMAIL_DOMAIN}",
        "Claire",
        "Lambert",
        OPERATOR.slug,
        "everything; the admin at /admin/ and the audit log",
        staff=True,
    ),
    LoginSpec(
        Role.COORDINATOR,
        f"coordination@{EMAIL_DOMAIN}",
        "Marc",
        "Schmitt",
        FORBACH.coordinator.slug,
        "the Moselle-Est territory, its partners and people",
    ),
    LoginSpec(
        Role.ORGANISATION_ADMIN,
        f"lycee@{EMAIL_DOMAIN}",
        "Sophie",
        "Girardot",
        "besancon-lycee-boucle",
        "a lycée of the Besançon campus: its members and students",
    ),
    LoginSpec(
        Role.TRAINER,
        f"formation@{EMAIL_DOMAIN}",
        "Karim",
        "Benali",
        "moselle-est-iut",
        "the IUT's students and their skills",
    ),
    LoginSpec(
        Role.COMPANY_CONTACT,
        f"entreprise@{EMAIL_DOMAIN}",
        "Julie",
        "Keller",
        "moselle-est-rosselplast",
        "a plastics company: the workforce around its site",
    ),
    LoginSpec(
        Role.REVIEWER,
        f"expertise@{EMAIL_DOMAIN}",
        "Philippe",
        "Vernier",
        FUNDER.slug,
        "the national funder's expert: their organisation and review queue",
    ),
    LoginSpec(
        Role.LEARNER,
        f"apprenant@{EMAIL_DOMAIN}",
        "Inès",
        "Muller",
        "moselle-est-iut",
        "a student's own profile, skills and consents",
    ),
    LoginSpec(
        Role.VIEWER,
        f"region@{EMAIL_DOMAIN}",
        "Nathalie",
        "Thiel",
        REGION.slug,
        "read-only: the three territories and their figures",
    ),
)
