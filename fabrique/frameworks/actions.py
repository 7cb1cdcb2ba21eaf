"""Writes of competency frameworks: frameworks and the life of their versions (create, publish,
retire, start a new version, import). Changes to a draft's tree are in ``editing.py``.

Each action checks the permission (``rules.py``) and the status (``enums.TRANSITIONS``),
runs in one transaction and is recorded in the audit log (the model layer records saves; the
bulk copies and imports record one summary event).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation, User
from fabrique.core import audit
from fabrique.frameworks import rules
from fabrique.frameworks.documents import FrameworkDoc, normalise_text, resolve_skills, tree_of
from fabrique.frameworks.enums import VersionStatus, can_go
from fabrique.frameworks.models import (
    RESERVED_SLUGS,
    Bloc,
    Competence,
    CompetenceSkill,
    CompetencyFramework,
    FrameworkVersion,
    Level,
    VersionTransition,
)
from fabrique.referentials.models import Skill

SLUG_MAX_LENGTH = 80


# --- helpers ---------------------------------------------------------------------------------


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _free_slug(base: str) -> str:
    base = (slugify(base)[:SLUG_MAX_LENGTH].strip("-") or "cadre")[: SLUG_MAX_LENGTH - 4]
    slug, n = base, 1
    while slug in RESERVED_SLUGS or CompetencyFramework.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _lock_framework(framework: CompetencyFramework) -> CompetencyFramework:
    return (
        CompetencyFramework.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=framework.pk)
    )


def _lock_version(version: FrameworkVersion) -> FrameworkVersion:
    return (
        FrameworkVersion.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=version.pk)
    )


def _draft_of(framework: CompetencyFramework) -> FrameworkVersion | None:
    return framework.versions.filter(status=VersionStatus.DRAFT).first()


def _refuse_second_draft(framework: CompetencyFramework) -> None:
    if draft := _draft_of(framework):
        raise ValidationError(
            _(
                "Version %(number)s of this framework is a draft: publish or discard it "
                "before starting another version."
            )
            % {"number": draft.number},
            code="draft_exists",
        )


def _new_draft(
    framework: CompetencyFramework, by: User, based_on: FrameworkVersion | None = None
) -> FrameworkVersion:
    """The next version of a locked framework, as an empty draft."""
    _refuse_second_draft(framework)
    last = framework.versions.aggregate(last=Max("number"))["last"] or 0
    version = FrameworkVersion(
        framework=framework,
        number=last + 1,
        status=VersionStatus.DRAFT,
        based_on=based_on,
        created_by=by if by.pk else None,
    )
    version.full_clean()
    version.save()
    return version


def apply_transition(
    *, version: FrameworkVersion, target: str, by: User, note: str = ""
) -> FrameworkVersion:
    """Move a locked version to ``target`` if the transition table allows it, with a history
    row. The caller holds the transaction, the permission check and the audit actor."""
    source = version.status
    if not can_go(source, target):
        raise ValidationError(
            _("A %(source)s version cannot become %(target)s.")
            % {
                "source": VersionStatus(source).label,
                "target": VersionStatus(target).label,
            },
            code="transition",
        )
    now = timezone.now()
    version.status = target
    if target == VersionStatus.PUBLISHED:
        version.published_at = now
        version.published_by = by if by.pk else None
    elif target == VersionStatus.RETIRED:
        version.retired_at = now
    version.full_clean()
    version.save()
    VersionTransition.objects.create(
        version=version, source=source, target=target, at=now, by=by if by.pk else None, note=note
    )
    return version


# --- frameworks --------------------------------------------------------------------------------


@transaction.atomic
def create_framework(
    *,
    owner: Organisation,
    title: str,
    description: str = "",
    slug: str = "",
    by: User,
) -> CompetencyFramework:
    """A new framework of ``owner``, with an empty draft as version 1."""
    _refuse_unless(
        rules.can_edit_for(by, owner),
        _("Only the coordinators of this organisation may create its frameworks."),
    )
    title = normalise_text(title)
    slug = slug.strip()
    if slug and CompetencyFramework.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This short name is taken.")})
    framework = CompetencyFramework(
        owner=owner,
        title=title,
        slug=slug or _free_slug(title),
        description=normalise_text(description),
        created_by=by if by.pk else None,
    )
    framework.full_clean()
    with audit.acting_as(by):
        framework.save()
        _new_draft(framework, by)
    return framework


@transaction.atomic
def update_framework(
    *, framework: CompetencyFramework, title: str, description: str, by: User
) -> CompetencyFramework:
    """Change the title and description (the short name never changes)."""
    framework = _lock_framework(framework)
    _refuse_unless(
        rules.can_edit_framework(by, framework),
        _("Only the framework's editors may change it."),
    )
    framework.title = normalise_text(title)
    framework.description = normalise_text(description)
    framework.full_clean()
    with audit.acting_as(by):
        framework.save()
    return framework


# --- versions ----------------------------------------------------------------------------------


@transaction.atomic
def publish_version(*, version: FrameworkVersion, change_note: str, by: User) -> FrameworkVersion:
    """Publish a draft; the version published until now is retired. Then it never changes."""
    framework = _lock_framework(version.framework)
    version = _lock_version(version)
    _refuse_unless(
        rules.can_edit_framework(by, framework),
        _("Only the framework's editors may publish it."),
    )
    change_note = normalise_text(change_note)
    if not change_note:
        raise ValidationError({"change_note": _("Say what this version brings.")})
    if version.status == VersionStatus.DRAFT and not version.competences.exists():
        raise ValidationError(_("Add at least one competence before publishing."))
    with audit.acting_as(by):
        if version.status == VersionStatus.DRAFT:
            current = framework.versions.filter(status=VersionStatus.PUBLISHED).first()
            if current is not None:
                apply_transition(
                    version=_lock_version(current),
                    target=VersionStatus.RETIRED,
                    by=by,
                    note=_("Replaced by version %(number)s.") % {"number": version.number},
                )
        version.change_note = change_note
        apply_transition(version=version, target=VersionStatus.PUBLISHED, by=by, note=change_note)
    return version


@transaction.atomic
def retire_version(*, version: FrameworkVersion, note: str = "", by: User) -> FrameworkVersion:
    """Withdraw a published version: it stays readable in the history, marked as retired."""
    version = _lock_version(version)
    _refuse_unless(
        rules.can_edit_framework(by, version.framework),
        _("Only the framework's editors may retire a version."),
    )
    with audit.acting_as(by):
        return apply_transition(
            version=version, target=VersionStatus.RETIRED, by=by, note=normalise_text(note)
        )


@transaction.atomic
def start_new_version(
    *, framework: CompetencyFramework, by: User, source: FrameworkVersion | None = None
) -> FrameworkVersion:
    """A new draft, copied from ``source`` (by default the published version): blocs,
    competences, levels and linked skills, with who linked them."""
    framework = _lock_framework(framework)
    _refuse_unless(
        rules.can_edit_framework(by, framework),
        _("Only the framework's editors may start a new version."),
    )
    if source is None:
        source = framework.versions.filter(status=VersionStatus.PUBLISHED).first()
        if source is None:
            source = framework.versions.exclude(status=VersionStatus.DRAFT).first()
    if source is None or source.framework_id != framework.pk:
        raise ValidationError(_("This framework has no published version to start from."))
    if source.status == VersionStatus.DRAFT:
        raise ValidationError(_("A new version starts from a published or retired version."))
    with audit.acting_as(by):
        version = _new_draft(framework, by, based_on=source)
        counts = _copy_tree(source, version)
        audit.record_event(
            action="create",
            model="frameworks.frameworkversion",
            object_id=str(version.pk),
            label=str(version),
            after={"copied_from": source.number, **counts},
        )
    return version


@transaction.atomic
def discard_draft(*, version: FrameworkVersion, by: User) -> CompetencyFramework | None:
    """Delete a draft and its tree; a framework left without any version goes with it.
    Returns the framework if it remains."""
    framework = _lock_framework(version.framework)
    version = _lock_version(version)
    _refuse_unless(
        rules.can_edit_framework(by, framework),
        _("Only the framework's editors may discard a draft."),
    )
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be discarded."))
    with audit.acting_as(by):
        version.delete()
        if not framework.versions.exists():
            framework.delete()
            return None
    return framework


def _copy_tree(source: FrameworkVersion, target: FrameworkVersion) -> dict[str, int]:
    blocs = tree_of(source)
    new_blocs = Bloc.objects.bulk_create(
        Bloc(
            version=target,
            code=b.code,
            title=b.title,
            description=b.description,
            position=i,
        )
        for i, b in enumerate(blocs, 1)
    )
    pairs = [
        (
            old,
            Competence(
                version=target,
                bloc=new_bloc,
                code=old.code,
                title=old.title,
                description=old.description,
                position=i,
            ),
        )
        for old_bloc, new_bloc in zip(blocs, new_blocs, strict=True)
        for i, old in enumerate(old_bloc.competences.all(), 1)
    ]
    Competence.objects.bulk_create(new for _old, new in pairs)
    levels = Level.objects.bulk_create(
        Level(competence=new, rank=level.rank, label=level.label, description=level.description)
        for old, new in pairs
        for level in old.levels.all()
    )
    links = CompetenceSkill.objects.bulk_create(
        CompetenceSkill(
            competence=new,
            skill_id=link.skill_id,
            linked_by_id=link.linked_by_id,
            linked_at=link.linked_at,
            suggested=link.suggested,
            score=link.score,
        )
        for old, new in pairs
        for link in old.skill_links.all()
    )
    return {
        "blocs": len(new_blocs),
        "competences": len(pairs),
        "levels": len(levels),
        "skills": len(links),
    }


# --- import ------------------------------------------------------------------------------------


@transaction.atomic
def import_framework(
    *,
    document: FrameworkDoc,
    by: User,
    owner: Organisation | None = None,
    framework: CompetencyFramework | None = None,
) -> FrameworkVersion:
    """Write a validated document as a new framework of ``owner`` (version 1, a draft) or as a
    new draft version of ``framework``. Raises ``documents.DocumentRefused`` if it links to
    skills the database does not hold; nothing is written then."""
    if (owner is None) == (framework is None):
        raise ValueError("Give either an owner (new framework) or a framework (new version).")
    skills = resolve_skills(document)
    with audit.acting_as(by):
        if framework is None:
            assert owner is not None
            _refuse_unless(
                rules.can_edit_for(by, owner),
                _("Only the coordinators of this organisation may create its frameworks."),
            )
            title = normalise_text(document.title)
            if not title:
                raise ValidationError({"title": _("Give the framework a title.")})
            framework = CompetencyFramework(
                owner=owner,
                title=title,
                slug=_free_slug(document.slug or title),
                description=normalise_text(document.description),
                created_by=by if by.pk else None,
            )
            framework.full_clean()
            framework.save()
        else:
            framework = _lock_framework(framework)
            _refuse_unless(
                rules.can_edit_framework(by, framework),
                _("Only the framework's editors may import a new version of it."),
            )
        version = _new_draft(framework, by)
        counts = _write_document(version, document, skills, by)
        audit.record_event(
            action="create",
            model="frameworks.frameworkversion",
            object_id=str(version.pk),
            label=str(version),
            after={"imported": True, **counts},
        )
    return version


def _write_document(
    version: FrameworkVersion,
    document: FrameworkDoc,
    skills: dict[tuple[str, str], Skill],
    by: User,
) -> dict[str, int]:
    blocs = [
        Bloc(version=version, code=b.code, title=b.title, description=b.description, position=i)
        for i, b in enumerate(document.blocs, 1)
    ]
    pairs = [
        (
            doc,
            Competence(
                version=version,
                bloc=bloc,
                code=doc.code,
                title=doc.title,
                description=doc.description,
                position=i,
            ),
        )
        for bloc_doc, bloc in zip(document.blocs, blocs, strict=True)
        for i, doc in enumerate(bloc_doc.competences, 1)
    ]
    levels = [
        Level(
            competence=competence, rank=level.rank, label=level.label, description=level.description
        )
        for doc, competence in pairs
        for level in doc.levels
    ]
    for record in [*blocs, *(competence for _doc, competence in pairs), *levels]:
        record.clean_fields(exclude=["version", "bloc", "competence"])
    Bloc.objects.bulk_create(blocs)
    Competence.objects.bulk_create(competence for _doc, competence in pairs)
    Level.objects.bulk_create(levels)
    now = timezone.now()
    links = CompetenceSkill.objects.bulk_create(
        CompetenceSkill(
            competence=competence,
            skill=skills[(ref.scheme, ref.code)],
            linked_by=by if by.pk else None,
            linked_at=now,
        )
        for doc, competence in pairs
        for ref in doc.skills
    )
    return {
        "blocs": len(blocs),
        "competences": len(pairs),
        "levels": len(levels),
        "skills": len(links),
    }
