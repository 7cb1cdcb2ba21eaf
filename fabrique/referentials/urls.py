from typing import Any

from django.urls import path, reverse

from fabrique.referentials import views
from fabrique.referentials.models import Certification, Occupation, Skill
from fabrique.referentials.queries import url_code

app_name = "referentials"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("analyser/", views.analyse, name="analyse"),
    path("suggerer/", views.suggest, name="suggest"),
    path("competences/ajouter/", views.add_skills, name="add_skills"),
    path("metiers/<str:code>/", views.occupation_detail, name="occupation"),
    path("competences/<str:code>/", views.skill_detail, name="skill"),
    path("certifications/<str:code>/", views.certification_detail, name="certification"),
]

_NAMES = {Occupation: "occupation", Skill: "skill", Certification: "certification"}


def detail_url(row: Any) -> str:
    """The page of an occupation, a skill or a certification (ESCO ones by their UUID)."""
    return reverse(f"referentials:{_NAMES[type(row)]}", args=[url_code(row)])
