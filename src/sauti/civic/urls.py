from django.urls import path

from sauti.civic.views import activities, dialogue, misc, organisations

app_name = "civic"
urlpatterns = [
    path("", organisations.civic_home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path(
        "organisations/<int:org_id>/", organisations.organisation_detail, name="organisation_detail"
    ),
    path(
        "organisations/<int:org_id>/contacts/reveal",
        organisations.contact_reveal,
        name="contact_reveal",
    ),
    path("networks/", organisations.network_list, name="network_list"),
    path("networks/<int:network_id>/", organisations.network_detail, name="network_detail"),
    path("authorities/", organisations.authority_list, name="authority_list"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/status", activities.activity_status, name="activity_status"),
    path("dialogues/", dialogue.dialogue_list, name="dialogue_list"),
    path("dialogues/new/", dialogue.dialogue_create, name="dialogue_create"),
    path("dialogues/<int:process_id>/", dialogue.dialogue_detail, name="dialogue_detail"),
    path("dialogues/<int:process_id>/stage", dialogue.dialogue_stage, name="dialogue_stage"),
    path(
        "dialogues/<int:process_id>/sessions/new/", dialogue.session_create, name="session_create"
    ),
    path(
        "dialogues/<int:process_id>/follow-up/",
        dialogue.dialogue_follow_up,
        name="dialogue_follow_up",
    ),
    path(
        "commitments/<int:commitment_id>/follow-up",
        dialogue.commitment_follow_up,
        name="commitment_follow_up",
    ),
    path("cvr/", misc.cvr_list, name="cvr_list"),
    path("cvr/<int:project_id>/", misc.cvr_detail, name="cvr_detail"),
    path("map/", misc.civic_map, name="map"),
    path("import/", misc.import_page, name="import"),
    path("templates/<str:kind>.xlsx", misc.template_download, name="template"),
    path("export/<str:kind>.xlsx", misc.export_download, name="export"),
]
urlpatterns += [
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:org_id>/support", organisations.support_add, name="support_add"),
    path(
        "authorities/<int:authority_id>/", organisations.authority_detail, name="authority_detail"
    ),
    path("cvr/new/", misc.cvr_create, name="cvr_create"),
    path("networks/<int:network_id>/update", organisations.network_update, name="network_update"),
    path(
        "organisations/<int:org_id>/engagement",
        organisations.organisation_engagement,
        name="organisation_engagement",
    ),
    path("cvr/<int:project_id>/update", misc.cvr_update, name="cvr_update"),
]
