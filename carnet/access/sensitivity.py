"""Sensitive categories (domain.md §4, beyond MES): documents proposed as masked on deposit."""

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "sexual-health": _("santé sexuelle et reproductive"),
    "hiv-sti": _("VIH et infections sexuellement transmissibles"),
    "mental-health": _("santé mentale"),
    "addiction": _("addictions"),
    "violence": _("violences"),
    "genetics": _("génétique"),
}

# Document types that belong to a category by their type alone; a depositor may name a category too.
CATEGORY_OF_TYPE = {
    "68599-0": "mental-health",  # psychiatric summary
    "83901-9": "mental-health",  # psychological assessment
}


def category_for(type_code: str, declared: str = "") -> str:
    """The sensitive category of a document: the one the depositor declared, else its type's, else ''."""
    if declared:
        if declared not in CATEGORIES:
            raise ValueError(f"unknown sensitive category {declared!r}")
        return declared
    return CATEGORY_OF_TYPE.get(type_code, "")


def proposed_visibility(patient, category: str) -> str:
    """The visibility a new document of ``category`` gets: masked unless the patient chose otherwise.

    The patient's per-category choices are read by the access app's settings when they exist.
    """
    if not category:
        return "normal"
    choices = getattr(getattr(patient, "access_settings", None), "category_choices", None) or {}
    return choices.get(category, "masked")
