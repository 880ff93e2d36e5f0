"""What a synthetic report says: its body, year, template variant, numbers and narrative.

The numbers follow the schema's consistency rules (勾稽关系) because real reports mostly do, and a small
share break them the way published reports do (a total off by a few), so a model learns to read what is
printed rather than what should add up.  Layout is none of this module's business: ``training.styles``
prints a ``ReportContent`` in many shapes.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from nianbao.schema import TEMPLATES, FieldSpec, get_template, load_schema

# Share of reports whose numbers break a consistency rule, as some published reports do.
BROKEN_SHARE = 0.05
# Share of 2021+ reports still laid out after the 2019 template.
OLD_TEMPLATE_SHARE = 0.1
# Share of "2021" reports printing （六）其他处理 as a single row.
COLLAPSED_SHARE = 0.15
# Share of reports replacing the section-四 table by a sentence (then all 15 fields are null).
NO_REVIEW_TABLE_SHARE = 0.06
# Share of reports that leave some cells blank or dashed.
EMPTY_CELLS_SHARE = 0.12
# Share of reports that leave the rows of the request and review tables that hold only zeros blank
# (hebei-edu-2019: 124 of 198 fields blank, in whole rows).
ZERO_ROWS_BLANK_SHARE = 0.07
# Share of reports written at a real report's length: most real reports are two-thirds prose
# (benchmarks/real_vs_generated.py), with several paragraphs per topic of section 一.
LONG_PROSE_SHARE = 0.75

CHINESE_NUMERALS = "一二三四五六七八九十"

# Body sizes drive the magnitude of every count: a township's report is mostly zeros, a province's
# runs to thousands.  (level, size) pairs; the level only names the body, the size scales numbers.
_PLACE_CHARS = "安宁平阳江河山川清远长新兴华东西南北中和泰丰永嘉德惠临州城源林水金石龙凤云海"
_PROVINCES = ["河北", "河南", "山东", "江西", "湖南", "湖北", "四川", "浙江", "福建", "安徽", "广东", "云南", "山西", "陕西", "吉林"]
_DEPARTMENTS = ["教育", "自然资源", "生态环境", "住房和城乡建设", "交通运输", "水利", "农业农村", "商务", "文化和旅游",
                "卫生健康", "应急管理", "市场监督管理", "财政", "人力资源和社会保障", "民政", "司法", "统计", "医疗保障"]
_MINISTRIES = ["国家统计局", "国家林业和草原局", "国家知识产权局", "国家市场监督管理总局", "生态环境部", "交通运输部",
               "水利部", "商务部", "国家医疗保障局", "国家药品监督管理局"]


@dataclass
class Section:
    """One numbered section as printed: ``key`` is the schema section key, None for a section the
    national template does not have (e.g. seed 004's 强化领导、健全机制)."""

    key: str | None
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ReportContent:
    """The printed substance of one report: gold values plus the words around them."""

    template: str
    collapsed: bool
    year: int
    agency: str | None  # as the report names itself; None when the text never names it
    title: str | None
    values: dict[str, int | float | None]  # every field of the variant, in printed order; None = empty cell
    review_table: bool  # False: section 四 says no cases happened and prints no table
    sections: list[Section]
    preface: list[str]
    size: str  # "small", "medium" or "large"
    broken: bool

    def fields(self) -> list[FieldSpec]:
        return get_template(self.template).fields(self.collapsed)

    def gold(self) -> dict:
        """The gold record (the gold format of ARCHITECTURE.md)."""
        return {"template": self.template,
                "meta": {"year": self.year, "agency": self.agency, "title": self.title},
                "fields": dict(self.values)}


def random_report(rng: random.Random, template: str | None = None) -> ReportContent:
    """A random report; ``template`` forces "2019" or "2021", otherwise it follows the year."""
    if template is not None and template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}: expected one of {', '.join(TEMPLATES)}")
    year, template = _year_and_template(rng, template)
    collapsed = template == "2021" and rng.random() < COLLAPSED_SHARE
    level, agency, short = _agency(rng)
    size = {"township": "small", "bureau": rng.choice(["small", "small", "medium"]), "district": "medium",
            "city": rng.choice(["medium", "large"]), "province": "large", "ministry": "large"}[level]
    specs = get_template(template).fields(collapsed)
    values: dict[str, int | float | None] = {}
    values.update(_active_values(rng, specs, size))
    values.update(_request_values(rng, specs, size))
    review_table = rng.random() >= NO_REVIEW_TABLE_SHARE
    values.update(_review_values(rng, template, size) if review_table else {s.key: None for s in specs if s.section == "review"})
    broken = rng.random() < BROKEN_SHARE
    if broken:
        _break_a_rule(rng, values)
    if rng.random() < EMPTY_CELLS_SHARE:
        _blank_some_cells(rng, specs, values)
    if rng.random() < ZERO_ROWS_BLANK_SHARE:
        _blank_zero_rows(rng, specs, values)
    values = {spec.key: values[spec.key] for spec in specs}

    title = None
    if rng.random() < 0.75:
        title = f"{agency}{year}年{rng.choice(['', '度'])}政府信息公开工作{rng.choice(['年度报告', '年度报告', '报告'])}"
    named = title is not None or rng.random() < 0.9
    words = _Narrative(rng, year, agency if named else None, short, values, review_table,
                       long=rng.random() < LONG_PROSE_SHARE)
    return ReportContent(template, collapsed, year, agency if named else None, title, values, review_table,
                         words.sections(), words.preface(), size, broken)


def _year_and_template(rng: random.Random, template: str | None) -> tuple[int, str]:
    if template == "2019":
        year = rng.choice([2019, 2020]) if rng.random() >= OLD_TEMPLATE_SHARE else rng.randint(2021, 2024)
    elif template == "2021":
        year = rng.randint(2021, 2024)
    else:
        year = rng.randint(2019, 2024)
        template = "2019" if year <= 2020 or rng.random() < OLD_TEMPLATE_SHARE else "2021"
    return year, template


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(_PLACE_CHARS, 2))


def _agency(rng: random.Random) -> tuple[str, str, str]:
    """(level, name as printed, the short self-reference used in narrative such as 我区)."""
    level = rng.choice(["ministry", "province", "province", "city", "city", "district", "district",
                        "township", "township", "bureau", "bureau", "bureau"])
    if level == "ministry":
        name = rng.choice(_MINISTRIES)
        return level, name, "我" + ("局" if name.endswith("局") else "部")
    if level == "province":
        province = rng.choice(_PROVINCES)
        if rng.random() < 0.5:
            return level, f"{province}省人民政府", "我省"
        return level, f"{province}省{rng.choice(_DEPARTMENTS)}厅", "我厅"
    if level == "city":
        city = _place(rng)
        if rng.random() < 0.5:
            return level, f"{city}市人民政府", "我市"
        return level, f"{city}市{rng.choice(_DEPARTMENTS)}局", "我局"
    if level == "district":
        kind = rng.choice(["区", "县"])
        return level, f"{_place(rng)}{kind}{rng.choice(['人民政府', ''])}", "我" + kind
    if level == "township":
        kind = rng.choice(["镇", "乡", "街道办事处"])
        return level, f"{_place(rng)}{kind}{'人民政府' if kind != '街道办事处' and rng.random() < 0.4 else ''}", \
            "我" + ("街道" if kind == "街道办事处" else kind)
    prefix = rng.choice([f"{_place(rng)}市{_place(rng)}区", f"{_place(rng)}县", f"{_place(rng)}区"])
    return level, f"{prefix}{rng.choice(_DEPARTMENTS)}局", "我局"


# --- numbers -------------------------------------------------------------------------------------


def _count(rng: random.Random, size: str, zero_share: float, scale: float = 1.0) -> int:
    """A cell count: mostly zero for a small body, log-uniform up to the body's scale otherwise."""
    if rng.random() < zero_share:
        return 0
    top = {"small": 12, "medium": 400, "large": 8000}[size] * scale
    return max(0, int(round(10 ** rng.uniform(0, max(0.3, _log10(top))))) - 1 + (rng.random() < 0.7))


def _log10(x: float) -> float:
    return math.log10(max(x, 1.0))


def _amount(rng: random.Random, size: str) -> int | float:
    """An amount in 万元, as printed: usually two to four decimals, sometimes a whole number."""
    if rng.random() < (0.55 if size == "small" else 0.1):
        return 0
    top = {"small": 200, "medium": 20000, "large": 500000}[size]
    value = 10 ** rng.uniform(0, _log10(top))
    decimals = rng.choice([0, 1, 2, 2, 2, 4, 4, 3])
    value = round(value, decimals)
    return int(value) if decimals == 0 else float(f"{value:.{decimals}f}")


def _active_values(rng: random.Random, specs: list[FieldSpec], size: str) -> dict:
    small_zeros = {"small": 0.8, "medium": 0.35, "large": 0.15}[size]
    values = {}
    for spec in specs:
        if spec.section != "active":
            continue
        if spec.kind == "amount":
            values[spec.key] = _amount(rng, size)
        elif spec.column == "change":
            values[spec.key] = 0 if rng.random() < 0.6 else rng.randint(-20, 40)
        elif spec.row == "rules":
            values[spec.key] = 0 if size != "large" or rng.random() < 0.6 else rng.randint(0, 12)
        else:
            values[spec.key] = _count(rng, size, small_zeros, 0.5 if spec.row in ("normative", "fees", "coercion") else 2)
    # the cumulative columns are at least the yearly ones, as in a real register
    for row in ("rules", "normative"):
        for yearly, cumulative in (("new_made", "total_published"), ("issued", "in_force")):
            key, total = f"active.{row}.{yearly}", f"active.{row}.{cumulative}"
            if key in values and total in values:
                values[total] = max(values[total], values[key])
        made, published = f"active.{row}.new_made", f"active.{row}.new_published"
        if made in values and rng.random() < 0.8:
            values[published] = values[made]
    return values


def _request_values(rng: random.Random, specs: list[FieldSpec], size: str) -> dict:
    """Section 三: result rows per applicant column, then totals and the balance rows that follow."""
    table = [s for s in specs if s.section == "requests"]
    rows = list(dict.fromkeys(s.row for s in table))
    columns = list(dict.fromkeys(s.column for s in table))
    applicants = [c for c in columns if c != "total"]
    results = rows[rows.index("granted"):rows.index("total")]
    # typical shares of the outcomes: most requests are granted or answered 不掌握
    weight = {"granted": 6, "partial": 1.5, "unable_not_held": 3, "other": 1, "other_misc": 1, "rejected_repeat": 0.6,
              "rejected_petition": 0.6, "denied_third_party": 0.4, "denied_process": 0.4, "other_no_correction": 0.5}
    column_scale = {"natural": 1.0, "commercial": 0.25, "research": 0.02, "social": 0.02, "legal": 0.06,
                    "other_org": 0.08}
    volume = {"small": 6, "medium": 120, "large": 1500}[size] * rng.uniform(0.1, 1.5)
    values = {}
    for row in results:
        for column in applicants:
            mean = volume * column_scale[column] * weight.get(row, 0.1) / 15
            values[f"requests.{row}.{column}"] = _poisson_like(rng, mean)
    for column in applicants:
        total = sum(values[f"requests.{row}.{column}"] for row in results)
        carry_forward = _poisson_like(rng, total * 0.05) if rng.random() < 0.4 else 0
        carried_over = _poisson_like(rng, total * 0.05) if rng.random() < 0.4 else 0
        carried_over = min(carried_over, total + carry_forward)
        values[f"requests.total.{column}"] = total
        values[f"requests.carry_forward.{column}"] = carry_forward
        values[f"requests.carried_over.{column}"] = carried_over
        values[f"requests.new.{column}"] = total + carry_forward - carried_over
    for row in rows:
        values[f"requests.{row}.total"] = sum(values[f"requests.{row}.{c}"] for c in applicants)
    return values


def _poisson_like(rng: random.Random, mean: float) -> int:
    """A non-negative count around ``mean`` (zero-heavy for small means, like real cells)."""
    if mean <= 0:
        return 0
    if mean < 3:
        return sum(rng.random() < mean / 6 for _ in range(6))
    return max(0, int(round(rng.gauss(mean, mean ** 0.5 + mean * 0.3))))


def _review_values(rng: random.Random, template: str, size: str) -> dict:
    """Section 四: each group's four outcomes and their total; most bodies have no cases at all."""
    values = {}
    cases = {"small": 0.15, "medium": 0.5, "large": 0.9}[size]
    block = get_template(template).block_of_section("review")[0]
    for group in block.rows:
        parts = {column: 0 for column in block.columns if column != "total"}
        if rng.random() < cases:
            scale = {"small": 2, "medium": 8, "large": 40}[size]
            for column in parts:
                parts[column] = _poisson_like(rng, scale * {"upheld": 0.5, "corrected": 0.1}.get(column, 0.2))
        for column, value in parts.items():
            values[f"{group}.{column}"] = value
        values[f"{group}.total"] = sum(parts.values())
    return values


def _break_a_rule(rng: random.Random, values: dict) -> None:
    """Knock one total-like cell off by a few, as a typo in a published report does."""
    candidates = [k for k, v in values.items() if v is not None and (
        k.endswith(".total") or k.startswith("requests.new.") or k.startswith("requests.total."))]
    key = rng.choice(candidates)
    values[key] = max(0, values[key] + rng.choice([-3, -2, -1, 1, 1, 2, 5, 10]))


def _blank_some_cells(rng: random.Random, specs: list[FieldSpec], values: dict) -> None:
    """Leave a few cells empty (printed blank, as a dash, or not at all): gold null."""
    active = [s.key for s in specs if s.section == "active"]
    others = [s.key for s in specs if s.section != "active" and values.get(s.key) is not None]
    for key in rng.sample(active, rng.randint(1, 3)):
        values[key] = None
    if others and rng.random() < 0.3:
        for key in rng.sample(others, rng.randint(1, 3)):
            values[key] = None


def _blank_zero_rows(rng: random.Random, specs: list[FieldSpec], values: dict) -> None:
    """Leave blank every row of the request and review tables that would print only zeros (most of
    them, not always all); a row with a count in it prints its zeros."""
    rows: dict[tuple[str, str], list[str]] = {}
    for spec in specs:
        if spec.section != "active":
            rows.setdefault((spec.section, spec.row), []).append(spec.key)
    keep = rng.choice([0.0, 0.0, 0.2])
    for keys in rows.values():
        if all(values.get(key) == 0 for key in keys) and rng.random() >= keep:
            for key in keys:
                values[key] = None


# --- words ---------------------------------------------------------------------------------------


class _Narrative:
    """Generates the prose of a report from phrase patterns like those of real reports."""

    def __init__(self, rng: random.Random, year: int, agency: str | None, short: str, values: dict,
                 review_table: bool, long: bool = False):
        self.rng, self.year, self.agency, self.short = rng, year, agency, short
        self.values, self.review_table, self.long = values, review_table, long
        self.subject = agency or short

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def preface(self) -> list[str]:
        if self.rng.random() < 0.5:
            return []
        y = self.year
        text = (f"根据《中华人民共和国政府信息公开条例》{self.pick('（以下简称《条例》）', '')}"
                f"{self.pick('和上级有关要求', '有关规定', '等规定')}，{self.pick('编制本报告', '发布本年度报告', '现公布本年度报告')}。"
                f"报告中所列数据统计期限{self.pick('从', '自', '为')}{y}年1月1日{self.pick('到', '起至', '至')}{y}年12月31日{self.pick('止', '')}。")
        if self.rng.random() < 0.4:
            text += f"如对本报告有任何疑问，请与{self.pick('办公室', '政务公开办公室', '信息中心')}联系（联系电话：0{self.rng.randint(310, 999)}-{self.rng.randint(2000000, 8999999)}）。"
        return [text]

    def sections(self) -> list[Section]:
        sections = [Section("overview", "总体情况", self._overview()),
                    Section("active", "主动公开政府信息情况"),
                    Section("requests", "收到和处理政府信息公开申请情况"),
                    Section("review", "政府信息公开行政复议、行政诉讼情况"),
                    Section("problems", "存在的主要问题及改进情况", self._problems()),
                    Section("other_matters", "其他需要报告的事项", self._other_matters())]
        for section in sections[1:4]:
            section.paragraphs = self.table_intro(section.key)
        if self.long:
            sections[4].paragraphs.extend(self._long_paragraph() for _ in range(self.rng.randint(1, 3)))
        schema_sections = {s["key"]: s for s in load_schema()["sections"]}
        for section in sections:
            if self.rng.random() < 0.25:
                section.heading = self.rng.choice(schema_sections[section.key]["variants"])
        if not self.review_table:
            sections[3].paragraphs = [
                f"{self.year}年，{self.pick(self.short, '本机关', self.subject)}"
                f"{self.pick('未发生', '没有发生', '无')}{self.pick('因政府信息公开', '政府信息公开')}"
                f"{self.pick('引起的', '而被申请的', '')}行政复议、行政诉讼案件。"]
        # Real reports add sections of their own, shifting the numbering (seed 004: an extra 二 pushes
        # 主动公开 to 三) or appending after the template's six.
        if self.rng.random() < 0.2:
            extra = Section(None, self.pick("政府信息公开情况", "强化领导、健全机制", "工作开展情况", "加强组织领导"),
                            [self._sentence_bank("mechanism")])
            sections.insert(self.rng.randint(1, 2), extra)
        if self.rng.random() < 0.15:
            sections.insert(len(sections) - 1, Section(None, self.pick("政府信息公开平台建设情况", "政府信息资源的规范化、标准化管理情况"),
                                                       [self._sentence_bank("platform")]))
        return sections

    def _overview(self) -> list[str]:
        y, s = self.year, self.subject
        paragraphs = [f"{y}年，{s}{self.pick('在上级的正确领导下，', '', '坚持以习近平新时代中国特色社会主义思想为指导，')}"
                      f"{self.pick('深入贯彻落实', '认真贯彻', '严格落实')}《中华人民共和国政府信息公开条例》，"
                      f"{self.pick('围绕打造服务型政府，不断加强政府信息公开力度', '以推动政府信息公开制度化、规范化为着力点', '扎实做好政务公开各项工作')}，"
                      f"{self.pick('切实保障人民群众的知情权、参与权和监督权。', '进一步提高政府工作透明度。', '政务公开质量和实效不断提升。')}"]
        published = self.rng.randint(20, 8000)
        received = self.values.get("requests.new.total")
        items = [("主动公开", f"{self.pick('全年', '本年度', f'{y}年')}{self.pick('通过政府网站', '依托门户网站和政务新媒体', '')}"
                            f"主动公开各类政府信息{published}条{self.pick('，同比上升' + str(self.rng.randint(1, 40)) + '%', '')}。"
                            f"{self.pick('', '其中政策文件' + str(self.rng.randint(1, 60)) + '件，政策解读' + str(self.rng.randint(1, 40)) + '篇。')}"),
                 ("依申请公开", f"{self.pick('严格规范依申请公开工作流程', '不断完善依申请公开办理机制')}，"
                              f"{self.pick('全年共收到', '本年度收到', '共受理')}政府信息公开申请"
                              f"{received if received is not None else self.rng.randint(0, 50)}件，"
                              f"{self.pick('均在法定期限内答复。', '全部按期办结。', '依法依规满足公众相关需求。')}"),
                 ("政府信息管理", self._sentence_bank("management")),
                 ("平台建设", self._sentence_bank("platform")),
                 ("政策解读", self._sentence_bank("interpretation")),
                 ("监督保障", self._sentence_bank("mechanism"))]
        count = self.rng.randint(4, 6) if self.long else self.rng.randint(2, 6)
        for index, (name, sentence) in enumerate(items[:count]):
            heading = f"（{CHINESE_NUMERALS[index]}）{name}{self.pick('情况', '', '方面')}"
            more = [self._long_paragraph() for _ in range(self.rng.randint(2, 4))] if self.long else []
            if self.rng.random() < 0.5:
                paragraphs.append(heading)
                paragraphs.append(sentence)
            else:
                paragraphs.append(f"{heading}。{sentence}")
            paragraphs.extend(more)
        return paragraphs

    def table_intro(self, section: str) -> list[str]:
        """The sentence some reports put over a table ("具体情况见下表：")."""
        if self.rng.random() >= (0.6 if self.long else 0.25):
            return []
        what = {"active": "主动公开政府信息", "requests": "收到和处理政府信息公开申请",
                "review": "政府信息公开行政复议、行政诉讼"}[section]
        return [self.pick(f"{self.year}年{what}情况{self.pick('如下表', '见下表', '统计如下')}：",
                          f"{self.pick('本年度', '全年', '')}{what}情况具体如下：", "具体情况见下表。")]

    def _long_paragraph(self) -> str:
        """A paragraph of three to six sentences of a real report's kind: who did what, by which
        means, with what counts (prose digits the tables do not hold)."""
        n = self.rng.randint
        actions = [f"围绕{self.pick('优化营商环境', '乡村振兴', '民生保障', '重大项目建设', '安全生产', '生态环境保护', '疫情防控')}等重点领域，"
                   f"主动公开{self.pick('政策文件', '工作动态', '办事指南', '财政预决算信息', '重大决策')}{n(3, 600)}条",
                   f"{self.pick('组织', '开展', '举办')}{self.pick('政务公开专题培训', '“政府开放日”活动', '政策宣讲进社区活动', '业务交流座谈会')}"
                   f"{n(1, 30)}{self.pick('次', '场', '期')}，参与{self.pick('人员', '群众', '干部')}{n(20, 5000)}人次",
                   f"对{self.pick('门户网站', '政务新媒体', '政务公开专栏', '基层政务公开标准目录')}"
                   f"{self.pick('进行全面梳理', '开展自查自纠', '逐项检查', '动态更新')}，"
                   f"{self.pick('整改', '更新', '补充完善')}{self.pick('栏目', '问题', '信息')}{n(1, 300)}个",
                   f"{self.pick('通过', '依托')}{self.pick('12345政务服务便民热线', '政民互动平台', '领导信箱', '在线访谈栏目')}"
                   f"{self.pick('受理', '回复', '办结')}群众{self.pick('咨询', '诉求', '留言')}{n(10, 9000)}件，"
                   f"{self.pick('办结率', '按期回复率', '满意率')}{n(90, 100)}%",
                   f"{self.pick('严格落实', '认真执行', '持续深化')}"
                   f"{self.pick('重大行政决策预公开制度', '政府信息公开保密审查制度', '政务公开考核评议制度', '政府信息公开属性源头认定机制')}，"
                   f"{self.pick('确保', '推动', '保障')}{self.pick('公开内容准确规范', '各项工作有序开展', '政务公开工作落到实处')}",
                   f"{self.pick('召开', '举行')}{self.pick('新闻发布会', '政策吹风会', '专题座谈会')}{n(1, 40)}场，"
                   f"发布{self.pick('图解', '视频解读', '政策问答')}{n(1, 200)}{self.pick('篇', '期', '条')}",
                   f"{self.pick('全面', '进一步')}{self.pick('规范', '加强', '完善')}"
                   f"{self.pick('政府信息公开指南和目录', '依申请公开受理、审查、答复流程', '政策文件数据库', '政府公报电子化工作')}，"
                   f"{self.pick('方便公众查阅获取', '提升办理质效', '增强公开实效')}"]
        opening = self.pick("", f"{self.year}年，", "一年来，", "同时，", f"{self.pick('我局', '我办', '本机关', self.short)}")
        return opening + "；".join(self.rng.sample(actions, n(3, 6))) + "。"

    def _sentence_bank(self, topic: str) -> str:
        options = {
            "management": ["持续完善政府信息发布协调机制，严格落实保密审查制度，明确审查程序和责任追究办法。",
                           f"对现行有效的规范性文件进行全面清理，保留{self._table_or('active.normative.in_force', 5, 120)}件，"
                           f"废止{self._table_or('active.normative.repealed', 0, 30)}件。",
                           "按照“谁制作、谁公开，谁获取、谁公开”的原则，在公文办理程序中明确公开属性。",
                           f"进一步规范信息收集、审核、发布流程，全年清理过期失效信息{self.rng.randint(3, 200)}条。",
                           "严格执行“先审后发”制度，确保发布内容准确规范。"],
            "platform": [f"加强政府网站和政务新媒体建设，{self.pick('微信公众号', '政务微博')}全年发布信息{self.rng.randint(20, 3000)}条。",
                         f"在政务服务大厅设置政务公开专区，配备查阅终端{self.rng.randint(1, 12)}台，为群众提供查阅、咨询服务。",
                         f"开展政府网站和政务新媒体常态化监测，全年整改问题{self.rng.randint(1, 60)}个。",
                         "依托门户网站、政务服务大厅等渠道加强政府信息的传播，方便群众查阅。",
                         "完成政府网站集约化改版，优化栏目设置，提升检索和互动功能。"],
            "interpretation": [f"坚持政策文件与解读材料同步起草、同步审签、同步发布，全年发布政策解读{self.rng.randint(2, 90)}篇。",
                               "运用图片、图表、视频等可视化方式进行形象化、通俗化解读，确保受众“听得懂、好明白、能理解”。",
                               f"围绕群众关注的热点问题召开新闻发布会{self.rng.randint(1, 20)}场，及时回应社会关切。",
                               f"通过“{self.pick('政策面对面', '政策直通车', '局长谈政策')}”等栏目开展解读活动，受众{self.rng.randint(2, 90)}万人次。"],
            "mechanism": ["调整政务公开工作领导小组，明确分管领导和专职人员，将政务公开工作纳入年度考核。",
                          f"组织开展政务公开业务培训{self.rng.randint(1, 9)}次，不断提升工作人员业务水平。",
                          "建立健全工作台账，逐项落实到具体科室和责任人，确保各项工作落地落实。"],
        }[topic]
        return "".join(self.rng.sample(options, self.rng.randint(1, len(options))))

    def _table_or(self, key: str, low: int, high: int) -> int:
        """The table's count of ``key`` where it prints one (real prose agrees with its table), else any."""
        value = self.values.get(key)
        return value if isinstance(value, int) else self.rng.randint(low, high)

    def _problems(self) -> list[str]:
        problems = ["公开内容还不够全面", "信息更新还不够及时", "政策解读的形式较为单一", "工作人员业务水平有待提高",
                    "基层政务公开标准化规范化建设仍需加强", "主动回应社会关切的力度不够"]
        chosen = self.rng.sample(problems, self.rng.randint(3, 5) if self.long else self.rng.randint(2, 3))
        text = f"{self.year}年，{self.short}政务公开工作取得了一定成效，但仍存在一些不足：" + \
            "；".join(f"{CHINESE_NUMERALS[i]}是{p}" for i, p in enumerate(chosen)) + "。"
        fix = (f"下一步，{self.short}将{self.pick('进一步完善工作机制', '加强业务培训', '强化监督考核')}，"
               f"{self.pick('不断推动政务公开工作提质增效。', '切实提高政府信息公开工作水平。', '推进公开的标准化、规范化。')}")
        return [text, fix] if self.rng.random() < 0.7 else [text + fix]

    def _other_matters(self) -> list[str]:
        return [self.pick("无。", "无", "本年度无其他需要报告的事项。",
                          f"依据《政府信息公开信息处理费管理办法》，{self.year}年未收取信息处理费。",
                          f"{self.year}年度，{self.short}共收取信息处理费0元。")]
