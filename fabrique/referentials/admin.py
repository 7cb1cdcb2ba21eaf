from django.contrib import admin

from fabrique.referentials.models import Occupation, OccupationSkill, Skill


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "scheme", "version", "obsolete"]
    list_filter = ["scheme", "obsolete"]
    search_fields = ["code", "label", "label_en"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "scheme", "obsolete"]
    list_filter = ["scheme", "kind", "obsolete"]
    search_fields = ["code", "label", "label_en"]


@admin.register(OccupationSkill)
class OccupationSkillAdmin(admin.ModelAdmin):
    list_display = ["occupation", "skill", "essential"]
    list_filter = ["essential"]
    raw_id_fields = ["occupation", "skill"]
    list_select_related = ["occupation", "skill"]
