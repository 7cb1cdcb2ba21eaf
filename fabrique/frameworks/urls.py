from django.urls import path

from fabrique.frameworks import editor, views

app_name = "frameworks"

version = "<slug:slug>/versions/<int:number>/"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("nouveau/", views.framework_create, name="create"),
    path("importer/", views.framework_import, name="import"),
    path("<slug:slug>/", views.framework_detail, name="detail"),
    path("<slug:slug>/modifier/", views.framework_edit, name="framework_edit"),
    path("<slug:slug>/nouvelle-version/", views.version_new, name="version_new"),
    path(version, views.version_detail, name="version"),
    path(f"{version}publier/", views.version_publish, name="publish"),
    path(f"{version}retirer/", views.version_retire, name="retire"),
    path(f"{version}abandonner/", views.version_discard, name="discard"),
    path(f"{version}export.json", views.export_json, name="export_json"),
    path(f"{version}export.csv", views.export_csv, name="export_csv"),
    # editing a draft
    path(f"{version}modifier/", editor.version_edit, name="edit"),
    path(f"{version}blocs/ajouter/", editor.bloc_add, name="bloc_add"),
    path(f"{version}blocs/<int:bloc_id>/modifier/", editor.bloc_edit, name="bloc_edit"),
    path(f"{version}blocs/<int:bloc_id>/supprimer/", editor.bloc_delete, name="bloc_delete"),
    path(f"{version}blocs/<int:bloc_id>/deplacer/", editor.bloc_move, name="bloc_move"),
    path(
        f"{version}blocs/<int:bloc_id>/competences/ajouter/",
        editor.competence_add,
        name="competence_add",
    ),
    path(
        f"{version}competences/<int:competence_id>/modifier/",
        editor.competence_edit,
        name="competence_edit",
    ),
    path(
        f"{version}competences/<int:competence_id>/supprimer/",
        editor.competence_delete,
        name="competence_delete",
    ),
    path(
        f"{version}competences/<int:competence_id>/deplacer/",
        editor.competence_move,
        name="competence_move",
    ),
    path(
        f"{version}competences/<int:competence_id>/niveaux/ajouter/",
        editor.level_add,
        name="level_add",
    ),
    path(
        f"{version}competences/<int:competence_id>/competences-liees/",
        editor.competence_skills,
        name="competence_skills",
    ),
    path(
        f"{version}competences/<int:competence_id>/competences-liees/lier/",
        editor.skill_link,
        name="skill_link",
    ),
    path(
        f"{version}competences/<int:competence_id>/competences-liees/<int:link_id>/delier/",
        editor.skill_unlink,
        name="skill_unlink",
    ),
    path(f"{version}niveaux/<int:level_id>/modifier/", editor.level_edit, name="level_edit"),
    path(f"{version}niveaux/<int:level_id>/supprimer/", editor.level_delete, name="level_delete"),
    path(f"{version}niveaux/<int:level_id>/deplacer/", editor.level_move, name="level_move"),
]
