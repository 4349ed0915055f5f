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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fastapi.params import Depends


class Access(StrEnum):
    STATEMENTS = "statements"  # statements, versions, diffs, theme charts: public texts
    RECIPIENTS = "recipients"  # the delivery ledger: who was sent what, with their addresses


def _always() -> bool:
    return True


@dataclass(frozen=True)
class AccessPolicy:
    """The dependencies that admit a request to each level; an empty level is open.

    `sees_recipients` is a dependency *callable* answering, without refusing the request,
    whether the caller may open the recipients level: pages use it to show a link to the
    ledger only to those it would admit.
    """

    statements: Sequence[Depends] = ()
    recipients: Sequence[Depends] = ()
    sees_recipients: Callable[..., bool] = _always

    def require(self, level: Access) -> list[Depends]:
        return list(self.statements if level is Access.STATEMENTS else self.recipients)


OPEN_ACCESS = AccessPolicy()
