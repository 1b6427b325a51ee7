"""Section and type of every field key of contract/FIELDS.md, as the warehouse stores them.

The type decides the ``fields`` column a value lands in (value_text, value_num, value_bool,
value_date); the personal keys never reach ``fields`` at all, only ``contacts``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

FieldType = Literal["text", "bool", "date", "amount", "count", "percent"]


class FieldSpec(NamedTuple):
    """Where a field sits on the form and how its value is typed."""

    section: str
    type: FieldType


# Copied from contract/FIELDS.md (key | section | type); tests check the two agree.
FIELD_SPECS: dict[str, FieldSpec] = {
    "form_code": FieldSpec("meta", "text"),
    "form_title": FieldSpec("meta", "text"),
    "year": FieldSpec("meta", "count"),
    "fill_date": FieldSpec("meta", "date"),
    "unit_name": FieldSpec("basic", "text"),
    "unit_nature": FieldSpec("basic", "text"),
    "subordinate_units": FieldSpec("basic", "text"),
    "contact_person": FieldSpec("basic", "text"),
    "contact_phone": FieldSpec("basic", "text"),
    "contact_email": FieldSpec("basic", "text"),
    "incomplete_reason": FieldSpec("goals", "text"),
    "project_planned_count": FieldSpec("goals", "count"),
    "project_planned_amount": FieldSpec("goals", "amount"),
    "project_declared_count": FieldSpec("goals", "count"),
    "project_declared_amount": FieldSpec("goals", "amount"),
    "project_approved_count": FieldSpec("goals", "count"),
    "project_approved_amount": FieldSpec("goals", "amount"),
    "institutional_measures": FieldSpec("goals", "text"),
    "self_eval_disclosed": FieldSpec("disclosure", "bool"),
    "self_eval_disclosed_date": FieldSpec("disclosure", "date"),
    "self_eval_disclosed_url": FieldSpec("disclosure", "text"),
    "budget_disclosed": FieldSpec("disclosure", "bool"),
    "budget_disclosed_date": FieldSpec("disclosure", "date"),
    "budget_disclosed_url": FieldSpec("disclosure", "text"),
    "perf_goal_disclosed": FieldSpec("disclosure", "bool"),
    "perf_goal_disclosed_date": FieldSpec("disclosure", "date"),
    "perf_goal_disclosed_url": FieldSpec("disclosure", "text"),
    "asset_rules_established": FieldSpec("assets", "bool"),
    "asset_books_consistent": FieldSpec("assets", "bool"),
    "asset_use_compliant": FieldSpec("assets", "bool"),
    "asset_income_remitted": FieldSpec("assets", "bool"),
    "fixed_assets_total": FieldSpec("assets", "amount"),
    "fixed_assets_in_use": FieldSpec("assets", "amount"),
    "fixed_asset_utilization": FieldSpec("assets", "percent"),
    "projects_completed": FieldSpec("projects", "count"),
    "projects_accepted": FieldSpec("projects", "count"),
    "projects_total": FieldSpec("projects", "count"),
    "projects_new": FieldSpec("projects", "count"),
    "projects_continued": FieldSpec("projects", "count"),
    "projects_planned_completion": FieldSpec("projects", "count"),
    "projects_planned_acceptance": FieldSpec("projects", "count"),
    "projects_need_approval": FieldSpec("projects", "count"),
    "projects_approved": FieldSpec("projects", "count"),
    "projects_feasibility_reports": FieldSpec("projects", "count"),
    "adjustments_count": FieldSpec("projects", "count"),
    "adjustments_note": FieldSpec("projects", "text"),
    "management_rules": FieldSpec("projects", "text"),
    "other_rules": FieldSpec("projects", "text"),
    "work_measures": FieldSpec("projects", "text"),
    "sangong_budget": FieldSpec("outputs", "amount"),
    "sangong_actual": FieldSpec("outputs", "amount"),
    "sangong_control_rate": FieldSpec("outputs", "percent"),
    "public_budget": FieldSpec("outputs", "amount"),
    "public_actual": FieldSpec("outputs", "amount"),
    "public_control_rate": FieldSpec("outputs", "percent"),
    "key_work_party_score": FieldSpec("outputs", "count"),
    "key_work_gov_score": FieldSpec("outputs", "count"),
    "key_work_completion": FieldSpec("outputs", "percent"),
    "overall_goals_planned": FieldSpec("outputs", "count"),
    "overall_goals_achieved": FieldSpec("outputs", "count"),
    "overall_goals_rate": FieldSpec("outputs", "percent"),
    "major_goals_planned": FieldSpec("outputs", "count"),
    "major_goals_achieved": FieldSpec("outputs", "count"),
    "major_goals_rate": FieldSpec("outputs", "percent"),
    "budget_projects_count": FieldSpec("outputs", "count"),
    "budget_projects_on_time": FieldSpec("outputs", "count"),
    "budget_projects_on_time_rate": FieldSpec("outputs", "percent"),
    "social_benefit": FieldSpec("outputs", "text"),
    "feedback_channel": FieldSpec("fairness", "bool"),
    "petitions_count": FieldSpec("fairness", "count"),
    "petitions_replied": FieldSpec("fairness", "count"),
    "petitions_replied_on_time": FieldSpec("fairness", "count"),
    "satisfaction_rate": FieldSpec("fairness", "percent"),
}

PERSONAL_KEYS: tuple[str, ...] = ("contact_person", "contact_phone", "contact_email")

# Numbers with a unit: value, unit, value_std, unit_std.
MEASURED_TYPES: frozenset[str] = frozenset({"amount", "count", "percent"})
