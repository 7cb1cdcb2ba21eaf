"""Admin of competency frameworks, for platform admins. Published and retired versions and
their trees are read-only here too: changes go to a new draft, through the pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import (
    Bloc,
    Competence,
    CompetenceSkill,
    CompetencyFramework,
    FrameworkVersion,
    Level,
    VersionTransition,
)


def _is_draft(version: FrameworkVersion | None) -> bool:
    return version is None or version.status == VersionStatus.DRAFT


class VersionInline(admin.TabularInline):
    model = FrameworkVersion
    fields = ["number", "status", "published_at", "retired_at", "change_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CompetencyFramework)
class CompetencyFrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "updated_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "slug", "description", "owner__name"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [VersionInline]


class TransitionInline(admin.TabularInline):
    model = VersionTransition
    fields = ["at", "source", "target", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BlocInline(admin.TabularInline):
    model = Bloc
    fields = ["position", "code", "title"]
    extra = 0
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["framework", "number", "status", "published_at", "retired_at"]
    list_filter = ["status"]
    list_select_related = ["framework"]
    search_fields = ["framework__title", "framework__slug", "change_note"]
    raw_id_fields = ["framework", "based_on", "created_by", "published_by"]
    readonly_fields = ["status", "published_at", "published_by", "retired_at", "created_at"]
    inlines = [BlocInline, TransitionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)


class LevelInline(admin.TabularInline):
    model = Level
    fields = ["rank", "label", "description"]
    extra = 0


class SkillLinkInline(admin.TabularInline):
    model = CompetenceSkill
    fields = ["skill", "suggested", "score", "linked_by", "linked_at"]
    raw_id_fields = ["skill", "linked_by"]
    extra = 0


@admin.register(Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "version", "position"]
    list_select_related = ["version__framework"]
    search_fields = ["code", "title", "version__framework__title"]
    raw_id_fields = ["version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or _is_draft(obj.version)
        return draft and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or _is_draft(obj.version)
        return draft and super().has_delete_permission(request, obj)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "bloc", "version", "position"]
    list_select_related = ["bloc", "version__framework"]
    search_fields = ["code", "title", "version__framework__title"]
    raw_id_fields = ["version", "bloc"]
    inlines = [LevelInline, SkillLinkInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or _is_draft(obj.version)
        return draft and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        draft = obj is None or _is_draft(obj.version)
        return draft and super().has_delete_permission(request, obj)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that belong to a version's history or tree: edited through their parents."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VersionTransition)
class VersionTransitionAdmin(_ReadOnlyAdmin):
    list_display = ["version", "source", "target", "at", "by"]
    list_select_related = ["version__framework", "by"]
    list_filter = ["target"]


@admin.register(Level)
class LevelAdmin(_ReadOnlyAdmin):
    list_display = ["competence", "rank", "label"]
    list_select_related = ["competence"]
    search_fields = ["label", "competence__code", "competence__title"]


@admin.register(CompetenceSkill)
class CompetenceSkillAdmin(_ReadOnlyAdmin):
    list_display = ["competence", "skill", "suggested", "score", "linked_by", "linked_at"]
    list_select_related = ["competence", "skill", "linked_by"]
    list_filter = ["suggested"]
