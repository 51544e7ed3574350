"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from twinning.models.account import Invitation, MemberRole, Membership, Role, User
from twinning.models.change import ChangeAction, ProfileChange
from twinning.models.exchange import (
    Exchange,
    ExchangeMessage,
    ExchangeState,
    ExchangeTransition,
    Purpose,
)
from twinning.models.notification import DigestEntry, Notification, OutgoingEmail
from twinning.models.profile import (
    OrganisationKind,
    Profile,
    ProfileLanguage,
    ProfileStatus,
    ProfileTranslation,
    TextOrigin,
)
from twinning.models.reference_state import ReferenceState
from twinning.models.suggestion import IndexChange, StoredSuggestion
from twinning.models.taxonomy import TaxonomyTerm, TermKind
from twinning.models.territory import Territory

__all__ = [
    "ChangeAction",
    "DigestEntry",
    "Exchange",
    "ExchangeMessage",
    "ExchangeState",
    "ExchangeTransition",
    "IndexChange",
    "Invitation",
    "MemberRole",
    "Membership",
    "Notification",
    "OrganisationKind",
    "OutgoingEmail",
    "Profile",
    "ProfileChange",
    "ProfileLanguage",
    "ProfileStatus",
    "ProfileTranslation",
    "Purpose",
    "ReferenceState",
    "Role",
    "StoredSuggestion",
    "TaxonomyTerm",
    "TermKind",
    "Territory",
    "TextOrigin",
    "User",
]
