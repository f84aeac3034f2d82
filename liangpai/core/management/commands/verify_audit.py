from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计记录的哈希链是否完整。/ Verify that the audit log's hash chain is intact."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计记录第 {broken.pk} 条（{broken.at:%Y-%m-%d %H:%M:%S}）与哈希链不符：记录可能被篡改或删除。"
                f" / audit event #{broken.pk} does not fit the hash chain."
            )
        self.stdout.write(f"审计记录完整：共 {AuditEvent.objects.count()} 条。/ audit log intact.")
