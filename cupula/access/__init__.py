"""Access control: viewers, the one policy decision, accounts and the audit log.

``accounts`` and ``audit`` use the store; import them directly (this package's top level
stays importable by the store itself, which applies the policy in its views).
"""

from cupula.access.policy import Decision, allowed_markings, decide
from cupula.access.viewer import Role, Viewer

__all__ = ["Decision", "Role", "Viewer", "allowed_markings", "decide"]
