"""What other apps hear about list entries: the measures app opens and closes its tasks on them.

Sent inside the writing transaction, so a receiver's writes commit or roll back with the entry.
"""

from django.dispatch import Signal

#: A subject entered a list: `entry`.
entry_entered = Signal()
#: An entry ended (term, repair, objection, withdrawal) or was voided: `entry`, `reason`.
entry_left = Signal()
