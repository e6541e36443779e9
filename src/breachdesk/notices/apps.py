from django.apps import AppConfig
from django.db.models.signals import post_save


class NoticesConfig(AppConfig):
    name = "breachdesk.notices"
    label = "notices"
    verbose_name = "notices"

    def ready(self) -> None:
        from breachdesk.notices import contributions, receivers

        contributions.contribute()
        # String senders: the desk's models may not exist yet, and a lazy sender binds only once they do.
        post_save.connect(
            receivers.answer_block_saved, sender="inquiries.AnswerBlock", dispatch_uid="notices.answer_block_saved"
        )
        post_save.connect(
            receivers.desk_config_saved, sender="inquiries.DeskConfig", dispatch_uid="notices.desk_config_saved"
        )
