from django.contrib.auth import views as auth_views
from django.urls import path

from fabrique.accounts import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("compte/", views.account, name="account"),
    path("compte/jetons/", views.create_token, name="create_token"),
    path("compte/jetons/<int:pk>/revoquer/", views.revoke_token, name="revoke_token"),
    path("compte/mes-donnees.json", views.download_data, name="download_data"),
    path("compte/effacement/", views.erase_account, name="erase"),
    path("journal/", views.audit_log, name="audit_log"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/retirer/",
        views.remove_member,
        name="remove_member",
    ),
]
