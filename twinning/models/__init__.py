"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

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
    "OrganisationKind",
    "Profile",
    "ProfileLanguage",
    "ProfileStatus",
    "ProfileTranslation",
    "ReferenceState",
    "TaxonomyTerm",
    "TermKind",
    "Territory",
    "TextOrigin",
]
