"""Schemas of the frameworks API: what it answers, and the ``fabrique-framework/1`` document it
takes (docs/formats/framework.md), with the same limits as the file import."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import ConfigDict

from fabrique.api.types import Text
from fabrique.frameworks.documents import (
    MAX_BLOCS,
    MAX_COMPETENCES,
    MAX_SKILLS_PER_COMPETENCE,
    SKILL_CODE_MAX_LENGTH,
)
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import (
    CODE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    MAX_LEVELS,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
FrameworkSlug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]
VersionNumber = Annotated[int, Path(..., ge=1, le=2_000_000_000)]


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class OrganisationRef(Schema):
    slug: str
    name: str


class FrameworkOut(Schema):
    slug: str
    title: str
    description: str
    owner: OrganisationRef
    current_version: int | None = Field(None, description="Number of the published version")
    published_at: datetime.datetime | None = None
    draft_version: int | None = Field(None, description="Number of the draft, for its editors")
    url: str

    @staticmethod
    def resolve_current_version(framework: Any) -> int | None:
        return _item(framework, "current_version", "published_number")

    @staticmethod
    def resolve_published_at(framework: Any) -> datetime.datetime | None:
        return _item(framework, "published_at", "published_on")

    @staticmethod
    def resolve_draft_version(framework: Any) -> int | None:
        return _item(framework, "draft_version", "visible_draft")

    @staticmethod
    def resolve_url(framework: Any) -> str:
        return _item(framework, "url", "") or framework.get_absolute_url()


def _item(framework: Any, key: str, attribute: str) -> Any:
    """A value of a framework given as a dict (detail) or as an annotated record (list)."""
    if isinstance(framework, dict):
        return framework.get(key)
    return getattr(framework, attribute, None) if attribute else None


class VersionSummary(Schema):
    number: int
    status: VersionStatus
    published_at: datetime.datetime | None
    retired_at: datetime.datetime | None
    change_note: str


class FrameworkDetailOut(FrameworkOut):
    versions: list[VersionSummary]


class LevelOut(Schema):
    rank: int
    label: str
    description: str


class LinkedSkillOut(Schema):
    scheme: str
    code: str
    label: str
    suggested: bool


class CompetenceOut(Schema):
    code: str
    title: str
    description: str
    skills: list[LinkedSkillOut]
    levels: list[LevelOut]


class BlocOut(Schema):
    code: str
    title: str
    description: str
    competences: list[CompetenceOut]


class VersionOut(Schema):
    framework: str = Field(..., description="Short name (slug) of the framework")
    title: str
    number: int
    status: VersionStatus
    published_at: datetime.datetime | None
    retired_at: datetime.datetime | None
    change_note: str
    url: str
    blocs: list[BlocOut]


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SkillRefIn(_Strict):
    scheme: Literal["rome", "esco"]
    code: Text = Field(..., min_length=1, max_length=SKILL_CODE_MAX_LENGTH)
    label: Text | None = Field(None, max_length=1000, description="Ignored on import")


class LevelIn(_Strict):
    rank: int = Field(..., ge=1, le=MAX_LEVELS)
    label: Text = Field(..., min_length=1, max_length=LABEL_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)


class CompetenceIn(_Strict):
    code: str = Field(..., min_length=1, max_length=CODE_MAX_LENGTH, pattern=CODE_PATTERN)
    title: Text = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    skills: list[SkillRefIn] = Field([], max_length=MAX_SKILLS_PER_COMPETENCE)
    levels: list[LevelIn] = Field([], max_length=MAX_LEVELS)


class BlocIn(_Strict):
    code: str = Field(..., min_length=1, max_length=CODE_MAX_LENGTH, pattern=CODE_PATTERN)
    title: Text = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    competences: list[CompetenceIn] = Field([], max_length=MAX_COMPETENCES)


class OwnerRefIn(_Strict):
    slug: Text = Field("", max_length=80)
    name: Text = Field("", max_length=200)


class FrameworkMetaIn(_Strict):
    title: Text = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    slug: Text = Field("", max_length=80)
    owner: OwnerRefIn | None = Field(None, description="Ignored on import")


class VersionMetaIn(_Strict):
    number: int | None = None
    status: Text | None = Field(None, max_length=20)
    published_at: Text | None = Field(None, max_length=40)
    change_note: Text | None = Field(None, max_length=NOTE_MAX_LENGTH)


class FrameworkDocument(_Strict):
    """A ``fabrique-framework/1`` document; ``version`` and labels are for reading only."""

    format: Literal["fabrique-framework/1"]
    framework: FrameworkMetaIn
    version: VersionMetaIn | None = Field(None, description="Ignored on import")
    blocs: list[BlocIn] = Field(..., max_length=MAX_BLOCS)


class FrameworkIn(Schema):
    owner: str = Field(..., max_length=80, pattern=SLUG_PATTERN, description="Owner's slug")
    title: Text = Field(..., min_length=1, max_length=TITLE_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    slug: str = Field("", max_length=80, pattern=r"^[-a-zA-Z0-9_]*$")


class ImportIn(Schema):
    owner: str = Field(..., max_length=80, pattern=SLUG_PATTERN, description="Owner's slug")
    document: FrameworkDocument


class PublishIn(Schema):
    change_note: Text = Field(..., min_length=1, max_length=NOTE_MAX_LENGTH)


class RetireIn(Schema):
    note: Text = Field("", max_length=NOTE_MAX_LENGTH)
