"""What resources tells the apps above it, once the change is committed.

`resources` may not import `contributions` (dependencies run one way), yet
saving a version or joining a commun must notify watchers. The domain
functions of this app send these signals from `transaction.on_commit`, so a
receiver never hears of a change that rolled back; `contributions/apps.py`
connects the receivers, which only enqueue a task.

- `version_saved(resource_id, version_id, actor_id)`: a version was saved
  (created, edited, merged or restored; version 1 is a new resource).
- `participant_joined(resource_id, user_id)`: someone joined a commun.

One is sent inside the transaction, because its receiver's writes belong to it:

- `resource_merged(resource_id, into_id)`: a commun was merged into another
  (resources/pooling.py); its watchers are moved to the kept one.
"""

from django.db import transaction
from django.dispatch import Signal

version_saved = Signal()
participant_joined = Signal()
resource_merged = Signal()


def send_on_commit(signal, **kwargs):
    """Send `signal` with `kwargs` (plain ids) once the current transaction commits."""
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
