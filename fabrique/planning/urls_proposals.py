from django.urls import path

from fabrique.planning import views_proposals

urlpatterns = [
    path("plans/<int:pk>/publier/", views_proposals.run_publish, name="run_publish"),
    path("plans/<int:pk>/viviers/", views_proposals.shortlist, name="shortlist"),
    path(
        "propositions/<int:pk>/reponse/",
        views_proposals.proposal_respond,
        name="proposal_respond",
    ),
    path(
        "propositions/<int:pk>/retrait/",
        views_proposals.proposal_withdraw,
        name="proposal_withdraw",
    ),
]
