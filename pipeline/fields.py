"""The form's fields (contract/FIELDS.md): stable key, printed label, section, type.

Keys are public names analysts use in SQL; never rename them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "bool", "date", "amount", "count", "percent"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form."""

    key: str
    label: str
    section: str
    type: FieldType
    personal: bool = False


PERSONAL_KEYS = frozenset({"contact_person", "contact_phone", "contact_email"})

FIELD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("form_code", "附件6-1 (header)", "meta", "text"),
    FieldSpec("form_title", "整体绩效自评基础数据表（基本情况）", "meta", "text"),
    FieldSpec("year", "(2023年) — the evaluated year", "meta", "count"),
    FieldSpec("fill_date", "填报日期", "meta", "date"),
    FieldSpec("unit_name", "单位名称", "basic", "text"),
    FieldSpec("unit_nature", "单位性质", "basic", "text"),
    FieldSpec("subordinate_units", "下属预算单位", "basic", "text"),
    FieldSpec("contact_person", "单位自评联络人 (personal data)", "basic", "text", personal=True),
    FieldSpec("contact_phone", "联系电话及手机 (personal data)", "basic", "text", personal=True),
    FieldSpec("contact_email", "邮箱 (personal data)", "basic", "text", personal=True),
    FieldSpec("incomplete_reason", "未完成原因分析", "goals", "text"),
    FieldSpec("project_planned_count", "应申报项目数", "goals", "count"),
    FieldSpec("project_planned_amount", "应申报 金额", "goals", "amount"),
    FieldSpec("project_declared_count", "实际申报项目数", "goals", "count"),
    FieldSpec("project_declared_amount", "实际申报 金额", "goals", "amount"),
    FieldSpec("project_approved_count", "目标批复数", "goals", "count"),
    FieldSpec("project_approved_amount", "目标批复 金额", "goals", "amount"),
    FieldSpec("institutional_measures", "制度措施建立情况", "goals", "text"),
    FieldSpec("self_eval_disclosed", "信息公开 · 自评信息 · 是否公开", "disclosure", "bool"),
    FieldSpec("self_eval_disclosed_date", "自评信息 · 公开时间", "disclosure", "date"),
    FieldSpec("self_eval_disclosed_url", "自评信息 · 公开网址", "disclosure", "text"),
    FieldSpec("budget_disclosed", "预决算信息 · 是否公开", "disclosure", "bool"),
    FieldSpec("budget_disclosed_date", "预决算信息 · 预算公开时间", "disclosure", "date"),
    FieldSpec("budget_disclosed_url", "预决算信息 · 公开网址", "disclosure", "text"),
    FieldSpec("perf_goal_disclosed", "绩效目标 · 是否公开", "disclosure", "bool"),
    FieldSpec("perf_goal_disclosed_date", "绩效目标 · 公开时间", "disclosure", "date"),
    FieldSpec("perf_goal_disclosed_url", "绩效目标 · 公开网址", "disclosure", "text"),
    FieldSpec("asset_rules_established", "制定资产管理内部制度", "assets", "bool"),
    FieldSpec("asset_books_consistent", "资产账与财务账一致", "assets", "bool"),
    FieldSpec("asset_use_compliant", "配置合理使用合规", "assets", "bool"),
    FieldSpec("asset_income_remitted", "出租、出借及处置收入上缴", "assets", "bool"),
    FieldSpec("fixed_assets_total", "固定资产总额（原值）", "assets", "amount"),
    FieldSpec("fixed_assets_in_use", "在用固定资产总额（原值）", "assets", "amount"),
    FieldSpec("fixed_asset_utilization", "固定资产利用率", "assets", "percent"),
    FieldSpec("projects_completed", "已完工个数 (first filled occurrence)", "projects", "count"),
    FieldSpec("projects_accepted", "已验收个数 (first filled occurrence)", "projects", "count"),
    FieldSpec("projects_total", "项目数量", "projects", "count"),
    FieldSpec("projects_new", "其中：新建", "projects", "count"),
    FieldSpec("projects_continued", "续建", "projects", "count"),
    FieldSpec("projects_planned_completion", "计划当年完工", "projects", "count"),
    FieldSpec("projects_planned_acceptance", "计划当年完成验收", "projects", "count"),
    FieldSpec("projects_need_approval", "需立项数", "projects", "count"),
    FieldSpec("projects_approved", "已立目数", "projects", "count"),
    FieldSpec("projects_feasibility_reports", "有可行性研究报告", "projects", "count"),
    FieldSpec("adjustments_count", "调整内容（超期超概算情况）", "projects", "count"),
    FieldSpec("adjustments_note", "调整情况 · 情况说明", "projects", "text"),
    FieldSpec("management_rules", "财务（项目）管理办法名称及文号", "projects", "text"),
    FieldSpec("other_rules", "其他管理办法名称", "projects", "text"),
    FieldSpec("work_measures", "工作措施", "projects", "text"),
    FieldSpec("sangong_budget", "三公经费控制率 · 预算安排数", "outputs", "amount"),
    FieldSpec("sangong_actual", "三公经费控制率 · 实际支出数", "outputs", "amount"),
    FieldSpec("sangong_control_rate", "三公经费控制率 · 控制率", "outputs", "percent"),
    FieldSpec("public_budget", "公用经费控制率 · 预算安排数", "outputs", "amount"),
    FieldSpec("public_actual", "公用经费控制率 · 实际支出数", "outputs", "amount"),
    FieldSpec("public_control_rate", "公用经费控制率 · 控制率", "outputs", "percent"),
    FieldSpec("key_work_party_score", "重点工作 · 市委督查得分", "outputs", "count"),
    FieldSpec("key_work_gov_score", "重点工作 · 政府督查得分", "outputs", "count"),
    FieldSpec("key_work_completion", "重点工作 · 完成率", "outputs", "percent"),
    FieldSpec("overall_goals_planned", "整体绩效目标 · 计划数", "outputs", "count"),
    FieldSpec("overall_goals_achieved", "整体绩效目标 · 实际实现数", "outputs", "count"),
    FieldSpec("overall_goals_rate", "整体绩效目标 · 完成率", "outputs", "percent"),
    FieldSpec("major_goals_planned", "重大项目绩效目标 · 计划数", "outputs", "count"),
    FieldSpec("major_goals_achieved", "重大项目绩效目标 · 实际实现数", "outputs", "count"),
    FieldSpec("major_goals_rate", "重大项目绩效目标 · 完成率", "outputs", "percent"),
    FieldSpec("budget_projects_count", "项目完成及时性 · 部门预算项目数", "outputs", "count"),
    FieldSpec("budget_projects_on_time", "项目完成及时性 · 按期完成", "outputs", "count"),
    FieldSpec("budget_projects_on_time_rate", "项目完成及时性 · 比率", "outputs", "percent"),
    FieldSpec("social_benefit", "社会效益", "outputs", "text"),
    FieldSpec(
        "feedback_channel", "是否有群众意见反馈渠道和群众意见办理回复机制", "fairness", "bool"
    ),
    FieldSpec("petitions_count", "群众上访、信访数量", "fairness", "count"),
    FieldSpec("petitions_replied", "答复数量", "fairness", "count"),
    FieldSpec("petitions_replied_on_time", "其中按规定期限答复", "fairness", "count"),
    FieldSpec("satisfaction_rate", "满意度", "fairness", "percent"),
)

FIELDS_BY_KEY: dict[str, FieldSpec] = {spec.key: spec for spec in FIELD_SPECS}
