from django.urls import path

from breachdesk.inquiries.views import blocks, desk, replies

app_name = "inquiries"

urlpatterns = [
    path("", desk.inquiry_list, name="inquiry_list"),
    path("bulk/", desk.bulk_draft, name="bulk_draft"),
    path("assign/", desk.assign_round_robin, name="assign_round_robin"),
    path("phone/", desk.phone_new, name="phone_new"),
    path("upload/", desk.mail_upload, name="mail_upload"),
    path("settings/", desk.desk_settings, name="desk_settings"),
    path("review/", replies.review_queue, name="review_queue"),
    path("<int:inquiry_id>/", desk.inquiry_detail, name="inquiry_detail"),
    path("<int:inquiry_id>/labels/", desk.inquiry_labels, name="inquiry_labels"),
    path("<int:inquiry_id>/assign/", desk.inquiry_assign, name="inquiry_assign"),
    path("<int:inquiry_id>/status/", desk.inquiry_status, name="inquiry_status"),
    path("<int:inquiry_id>/ack/retry/", desk.inquiry_ack_retry, name="inquiry_ack_retry"),
    path("<int:inquiry_id>/draft/", desk.inquiry_draft, name="inquiry_draft"),
    path("<int:inquiry_id>/deletion/", desk.inquiry_deletion, name="inquiry_deletion"),
    path("attachments/<int:attachment_id>/", desk.attachment_download, name="attachment_download"),
    path("replies/<int:reply_id>/", replies.reply_detail, name="reply_detail"),
    path("replies/<int:reply_id>/submit/", replies.reply_submit, name="reply_submit"),
    path("replies/<int:reply_id>/review/", replies.reply_review, name="reply_review"),
    path("replies/<int:reply_id>/send/", replies.reply_send, name="reply_send"),
    path("blocks/", blocks.block_list, name="block_list"),
    path("blocks/starter/", blocks.block_starter, name="block_starter"),
    path("blocks/<int:block_id>/", blocks.block_detail, name="block_detail"),
    path("blocks/<int:block_id>/approve/", blocks.block_approve, name="block_approve"),
    path("blocks/<int:block_id>/preapprove/", blocks.block_preapprove, name="block_preapprove"),
    path("deletions/", desk.deletion_list, name="deletion_list"),
    path("deletions/<int:deletion_id>/complete/", desk.deletion_complete, name="deletion_complete"),
    path("deletions/<int:deletion_id>/decide/", desk.deletion_decide, name="deletion_decide"),
    path("deletions/<int:deletion_id>/send-link/", desk.deletion_send_link, name="deletion_send_link"),
    path("deletions/<int:deletion_id>/verify-phone/", desk.deletion_verify_phone, name="deletion_verify_phone"),
]
