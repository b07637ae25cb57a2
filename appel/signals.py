"""What the call domain tells the apps above it, once the change is committed.

`appel` imports neither `resources` nor `contributions`; a call's status
move must still reach the people watching it. appel/stewarding.py sends
this signal from `transaction.on_commit`; contributions/apps.py connects
a receiver that only enqueues a notification task.

- `call_status_changed(call_id, status, actor_id, at)`: the call moved to
  `status` (`at`: when, ISO 8601, so that a task run twice tells it once).
"""

from django.dispatch import Signal

call_status_changed = Signal()
