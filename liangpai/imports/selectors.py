from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from liangpai.imports.models import ImportBatch


def batches_of(user: Any) -> QuerySet[ImportBatch]:
    """A user's own batches, newest first: nobody else's are ever listed."""
    return ImportBatch.objects.filter(uploaded_by=user).defer("errors", "notes", "preview")


def get_batch_for_user_or_404(user: Any, pk: Any) -> ImportBatch:
    """A batch is seen by its uploader only; for anyone else it does not exist."""
    try:
        return ImportBatch.objects.get(pk=pk, uploaded_by=user)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
