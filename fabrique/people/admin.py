from django.contrib import admin

from fabrique.people.models import Person, PersonSkill


class PersonSkillInline(admin.TabularInline):
    model = PersonSkill
    extra = 0
    raw_id_fields = ["skill"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "status", "commune", "organisation"]
    list_filter = ["status", "consent_to_employers", "consent_to_contact"]
    search_fields = ["last_name", "first_name", "email", "external_id"]
    list_select_related = ["commune", "organisation"]
    raw_id_fields = ["user", "commune", "current_occupation", "past_occupations", "organisation"]
    inlines = [PersonSkillInline]


@admin.register(PersonSkill)
class PersonSkillAdmin(admin.ModelAdmin):
    list_display = ["person", "skill", "source", "acquired_on"]
    list_filter = ["source"]
    raw_id_fields = ["person", "skill"]
    list_select_related = ["person", "skill"]
