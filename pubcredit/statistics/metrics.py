"""The metrics the rollup counts: one name per figure, what it counts, by which month and dimension.

Each metric is summed from `Tally` rows. `organisation` is the provider (records, batches,
objection items, repairs), the issuing department (list entries), the implementing department
(measure tasks) or the querying organisation (query log, credit checks).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label: str  # Chinese, as charts and workbooks show it
    month_of: str  # which date places a row in a month
    dimension: str  # what `Tally.dimension` holds ("" when none)


METRICS: tuple[Metric, ...] = (
    Metric("records.collected", "归集信用记录", "报送日期", "信息类别"),
    Metric("records.with_due", "有报送时限的记录", "报送日期", "信息类别"),
    Metric("records.on_time", "按时报送的记录", "报送日期", "信息类别"),
    Metric("batches.count", "报送批次", "接收时间", "报送方式"),
    Metric("batches.rows", "报送行数", "接收时间", "报送方式"),
    Metric("batches.rejected_rows", "退回行数", "接收时间", "报送方式"),
    Metric("objections.opened", "异议（按提供单位分项）", "申请时间", ""),
    Metric("objections.answered", "异议已答复", "答复日期", "处理结果"),
    Metric("objections.overdue", "异议答复逾期", "申请时间", ""),
    Metric("objections.open", "异议办理中（当前）", "申请时间", ""),
    Metric("repairs.opened", "信用修复申请", "提交时间", ""),
    Metric("repairs.decided", "信用修复已决定", "决定时间", "结果"),
    Metric("repairs.overdue", "信用修复逾期", "提交时间", ""),
    Metric("repairs.open", "信用修复办理中（当前）", "提交时间", ""),
    Metric("lists.entered", "名单列入", "录入时间", "名单类别"),
    Metric("lists.exited", "名单移出", "移出日期", "移出原因"),
    Metric("measures.initiated", "联合奖惩任务发起", "派发时间", ""),
    Metric("measures.fed_back", "联合奖惩任务已反馈", "反馈时间", "反馈结果"),
    Metric("measures.overdue", "联合奖惩任务逾期", "派发时间", ""),
    Metric("queries.logged", "查询（查询日志）", "查询时间", "查询类型"),
    Metric("checks.run", "信用核查", "核查时间", "反馈"),
)

BY_NAME: dict[str, Metric] = {metric.name: metric for metric in METRICS}
