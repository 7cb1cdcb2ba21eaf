"""The référentiels in the admin: read and correct, search by code and label. Imports
(``fabrique import ...``) write them; links to thousands of rows use raw id fields."""

from django.contrib import admin

from fabrique.referentials.models import (
    Certification,
    CertificationBloc,
    Certifier,
    Formacode,
    Mobility,
    NafActivity,
    NsfDomain,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Skill,
    SkillLabel,
    WorkContext,
)


@admin.register(OccupationGroup)
class OccupationGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "scheme", "parent", "obsolete"]
    list_filter = ["scheme", "obsolete"]
    search_fields = ["code", "label", "label_en"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


class OccupationLabelInline(admin.TabularInline):
    model = OccupationLabel
    fields = ["kind", "language", "code", "text", "obsolete"]
    readonly_fields = ["folded"]
    extra = 0


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "scheme", "group", "version", "obsolete"]
    list_filter = ["scheme", "obsolete"]
    search_fields = ["code", "label", "label_en", "source_code"]
    raw_id_fields = ["parent", "group", "work_contexts"]
    list_select_related = ["group"]
    inlines = [OccupationLabelInline]


@admin.register(OccupationLabel)
class OccupationLabelAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "language", "code", "occupation", "obsolete"]
    list_filter = ["kind", "language", "obsolete"]
    search_fields = ["text", "folded", "code"]
    raw_id_fields = ["occupation"]
    list_select_related = ["occupation"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "category", "scheme", "obsolete"]
    list_filter = ["scheme", "kind", "obsolete"]
    search_fields = ["code", "label", "label_en", "source_code"]
    raw_id_fields = ["broader"]


@admin.register(SkillLabel)
class SkillLabelAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "language", "skill"]
    list_filter = ["kind", "language"]
    search_fields = ["text", "folded"]
    raw_id_fields = ["skill"]
    list_select_related = ["skill"]


@admin.register(OccupationSkill)
class OccupationSkillAdmin(admin.ModelAdmin):
    list_display = ["occupation", "skill", "essential"]
    list_filter = ["essential", "occupation__scheme"]
    raw_id_fields = ["occupation", "skill"]
    list_select_related = ["occupation", "skill"]


@admin.register(WorkContext)
class WorkContextAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "category", "obsolete"]
    list_filter = ["category", "obsolete"]
    search_fields = ["code", "label"]


@admin.register(Mobility)
class MobilityAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "rank"]
    search_fields = ["source__code", "target__code"]
    raw_id_fields = ["source", "target"]
    list_select_related = ["source", "target"]


@admin.register(Formacode)
class FormacodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "field", "version", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["code", "label", "field"]
    raw_id_fields = ["parent"]


@admin.register(NsfDomain)
class NsfDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["code", "label"]


@admin.register(NafActivity)
class NafActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "level", "parent", "obsolete"]
    list_filter = ["level", "obsolete"]
    search_fields = ["code", "label"]
    raw_id_fields = ["parent", "occupations"]
    list_select_related = ["parent"]


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["name", "siret"]


class CertificationBlocInline(admin.TabularInline):
    model = CertificationBloc
    fields = ["code", "label", "obsolete"]
    extra = 0


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "level", "active", "obsolete"]
    list_filter = ["kind", "active", "level", "obsolete"]
    search_fields = ["code", "title"]
    raw_id_fields = ["occupations", "formacodes", "nsf_domains", "certifiers", "replaced_by"]
    inlines = [CertificationBlocInline]


@admin.register(CertificationBloc)
class CertificationBlocAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "certification", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["code", "label", "certification__code"]
    raw_id_fields = ["certification"]
    list_select_related = ["certification"]
