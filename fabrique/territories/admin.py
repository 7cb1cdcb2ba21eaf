from django.contrib import admin

from fabrique.territories.models import (
    EPCI,
    BassinEmploi,
    Commune,
    Departement,
    IndustrialTerritory,
    Region,
    ZoneEmploi,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "obsolete"]
    list_filter = ["obsolete", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "kind", "population", "obsolete"]
    list_filter = ["kind", "obsolete"]
    search_fields = ["name", "siren"]


@admin.register(ZoneEmploi)
class ZoneEmploiAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "obsolete"]
    list_filter = ["obsolete"]
    search_fields = ["code", "name"]


@admin.register(BassinEmploi)
class BassinEmploiAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "obsolete"]
    list_filter = ["obsolete", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "departement", "epci", "population", "obsolete"]
    list_filter = ["obsolete", "departement__region", "departement"]
    list_select_related = ["departement", "epci"]
    search_fields = ["insee_code", "name", "postal_codes"]
    raw_id_fields = ["epci", "zone_emploi", "bassin"]
    show_full_result_count = False


@admin.register(IndustrialTerritory)
class IndustrialTerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "created_at", "updated_at"]
    search_fields = ["name", "code", "description"]
    autocomplete_fields = ["epcis", "coordinating_organisations"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
