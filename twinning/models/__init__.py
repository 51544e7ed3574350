"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from twinning.models.account import Invitation, MemberRole, Membership, Role, User
from twinning.models.change import ChangeAction, ProfileChange
from twinning.models.profile import (
    OrganisationKind,
    Profile,
    ProfileLanguage,
    ProfileStatus,
    ProfileTranslation,
    TextOrigin,
)
from twinning.models.reference_state import ReferenceState
from twinning.models.taxonomy import TaxonomyTerm, TermKind
from twinning.models.territory import Territory

__all__ = [
    "ChangeAction",
    "Invitation",
    "MemberRole",
    "Membership",
    "OrganisationKind",
    "Profile",
    "ProfileChange",
    "ProfileLanguage",
    "ProfileStatus",
    "ProfileTranslation",
    "ReferenceState",
    "Role",
    "TaxonomyTerm",
    "TermKind",
    "Territory",
    "TextOrigin",
    "User",
]
