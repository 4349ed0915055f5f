"""Who may see what in the statements app: two levels of access, checked by the host's dependencies.

The app never imports Airflow, so it does not decide who a user is or what their role allows:
whoever mounts it passes an `AccessPolicy`, one list of FastAPI dependencies per level, and
every route is guarded by the dependencies of its level. The Airflow plugin builds the policy
from Airflow's auth manager (plugins/coalition_watch_plugin.py); tests and scripts use
`OPEN_ACCESS`. A router added to the app declares its level when it is included:

    app.include_router(router, dependencies=access.require(Access.STATEMENTS))

and a public route (a signed link, say) is included with no dependencies at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from fastapi.params import Depends


class Access(StrEnum):
    STATEMENTS = "statements"  # statements, versions, diffs, theme charts: public texts
    RECIPIENTS = "recipients"  # the delivery ledger: who was sent what, with their addresses


@dataclass(frozen=True)
class AccessPolicy:
    """The dependencies that admit a request to each level; an empty level is open."""

    statements: Sequence[Depends] = ()
    recipients: Sequence[Depends] = ()

    def require(self, level: Access) -> list[Depends]:
        return list(self.statements if level is Access.STATEMENTS else self.recipients)


OPEN_ACCESS = AccessPolicy()
