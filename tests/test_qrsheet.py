"""QR label sheets for a recruitment event: the A4 PDF and the ZIP of PNGs, read back for real
(pdftoppm renders the pages, zxing-cpp decodes every code, pypdf reads the text). No database."""

import collections
import io
import random
import re
import subprocess
import zipfile

import pypdf
import pytest
import segno
import zxingcpp
from PIL import Image

from hezuo.jobs import qrsheet
from hezuo.jobs.qrsheet import Label, Poster, write_pdf, write_png_zip

HOST = "jobs.nanxun.example.cn"
TITLE = "2026年南浔区“春风行动”专场招聘会"
DPI = 120

EMPLOYERS = [
    "湖州南浔华宇电梯有限公司",
    "浙江久立特材科技股份有限公司",
    "南浔区善琏湖笔文化产业园管理服务有限公司（湖笔小镇运营中心）",
    "四川省广安市前锋区东西部协作劳务服务站驻湖州南浔工作联络处人力资源服务部",
    "新疆阿克苏地区柯坪县驻湖州劳务工作站",
    "A&B <b>精密</b> 机械（湖州）有限公司",
]
TITLES = ["普工", "数控车床操作工", "电梯安装调试技术员（持特种设备作业证优先）", "Senior Java developer / 后端开发工程师",
          "仓库管理员", "质检员\n（夜班）", "电工", "焊工（二氧化碳保护焊、氩弧焊均可，有三年以上经验）", "行政文员", "叉车司机"]
SALARIES = ["4,500–6,000元/月", "面议", "6,000–9,000元/月，包吃住，另有全勤奖、高温补贴和年终奖", "8,000元/月起"]


def make_labels(count=60):
    return [Label(url=f"https://{HOST}/jobs/{1000 + i}/?e=2026-spring",
                  employer=EMPLOYERS[i % len(EMPLOYERS)], title=TITLES[i % len(TITLES)],
                  headcount=(i * 7) % 50 or None, salary_text=SALARIES[i % len(SALARIES)])
            for i in range(count)]


def make_posters(labels):
    by_employer = collections.defaultdict(list)
    for label in labels:
        by_employer[label.employer].append(label)
    return [Poster(employer=name, url=f"https://{HOST}/employers/{n}/", labels=tuple(items))
            for n, (name, items) in enumerate(by_employer.items(), 1)]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def decode(image):
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """The PDF of 60 labels and 6 posters, its pages rendered to PNG, and the progress reported."""
    folder = tmp_path_factory.mktemp("qrsheet")
    labels = make_labels()
    posters = make_posters(labels)
    calls = []
    path = folder / "labels.pdf"
    with path.open("wb") as out:
        pages = write_pdf(labels, posters, out, host=HOST, title=TITLE, progress=lambda *call: calls.append(call))
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(path), str(folder / "page")], check=True)
    images = [Image.open(png).convert("L") for png in sorted(folder.glob("page-*.png"))]
    reader = pypdf.PdfReader(path)
    return {"labels": labels, "posters": posters, "path": path, "pages": pages, "images": images,
            "progress": calls, "reader": reader, "texts": [page.extract_text() for page in reader.pages]}


def test_it_prints_21_labels_a_page_then_a_poster_per_employer(sheet):
    assert sheet["pages"] == 3 + 6  # 60 labels: 21 + 21 + 18
    assert len(sheet["reader"].pages) == 9
    assert len(sheet["images"]) == 9
    width, height = (float(v) for v in sheet["reader"].pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4


def test_every_code_decodes_to_its_postings_url_exactly_once(sheet):
    found = [url for image in sheet["images"][:3] for url in decode(image)]
    assert collections.Counter(found) == collections.Counter(label.url for label in sheet["labels"])


def test_each_poster_carries_one_code_for_its_employers_page(sheet):
    for poster, image in zip(sheet["posters"], sheet["images"][3:]):
        assert decode(image) == [poster.url]


def test_every_label_code_prints_at_least_25_mm_wide(sheet):
    codes = zxingcpp.read_barcodes(sheet["images"][0], formats=zxingcpp.BarcodeFormat.QRCode)
    for code in codes:
        corners = code.position
        width_px = abs(corners.top_right.x - corners.top_left.x)
        # zxing reports the centres of the corner modules: one module short of the symbol
        assert width_px / DPI * 25.4 >= 24, code.text


def test_the_pdf_says_which_host_the_codes_point_to_on_every_page(sheet):
    for text in sheet["texts"]:
        assert f"扫码指向 {HOST}" in text
        assert squeeze(TITLE) in squeeze(text)
    assert "第 1 页 / 共 9 页" in sheet["texts"][0]


def test_the_pdf_text_holds_employers_titles_headcounts_and_salaries(sheet):
    text = squeeze("".join(sheet["texts"]))
    for name in EMPLOYERS[:2] + EMPLOYERS[4:]:
        assert squeeze(name) in text
    assert "数控车床操作工" in text and "招聘7人" in text and "招聘若干人" in text and "4,500–6,000元/月" in text


def test_text_from_data_is_printed_as_text_never_read_as_markup(sheet):
    text = "".join(sheet["texts"])
    assert "A&B <b>精密</b> 机械" in text
    assert "质检员 （夜班）" in text  # a line break in a title is a space


def test_poster_names_the_employer_and_lists_its_postings(sheet):
    poster = sheet["posters"][0]
    text = sheet["texts"][3]
    assert poster.employer in text
    assert f"微信扫码查看本单位全部 {len(poster.labels)} 个岗位" in text
    assert "普工" in text and "岗位" in text and "薪资" in text


def test_chinese_text_is_an_embedded_subset_of_noto_sans_cjk(sheet):
    page = sheet["reader"].pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object()
        embedded = descendant["/FontDescriptor"]["/FontFile3"].get_object().get_data()
        assert "NotoSansCJKsc" in font["/BaseFont"]
        assert 1000 < len(embedded) < 400_000  # a subset: the face has 65,535 glyphs, ~17 MB


def test_progress_is_reported_page_by_page(sheet):
    assert sheet["progress"] == [(n, 9) for n in range(1, 10)]


def test_it_refuses_a_code_pointing_to_another_host_before_writing_anything():
    labels = make_labels(3) + [Label("https://jobs.example.com/jobs/1/", "某公司", "普工", 1, "面议")]
    out = io.BytesIO()
    with pytest.raises(ValueError, match="第4个标签的二维码指向 jobs.example.com，不是本单位的公网地址 " + HOST):
        write_pdf(labels, [], out, host=f"https://{HOST}/", title=TITLE)
    assert out.getvalue() == b""


def test_the_codes_are_the_ones_segno_makes():
    """qr_matrix scores segno's eight masks its own (faster) way: it must pick the same one
    and give the same modules, for URLs of every length up to version 14 and other content."""
    rng = random.Random(2026)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789/-_.?=&%"
    contents = [label.url for label in make_labels(20)]
    contents += [f"https://{HOST}/" + "".join(rng.choices(alphabet, k=rng.randint(0, 320))) for _ in range(60)]
    contents += [f"HTTPS://{HOST.upper()}/J/{n}" for n in range(0, 10 ** 9, 3 * 10 ** 7)]  # alphanumeric mode
    contents += ["4008123123", "扫码查看南浔区全部岗位", "https://例子.中国/岗位/1"]
    for content in contents:
        assert qrsheet.qr_matrix(content) == [bytes(row) for row in segno.make_qr(content, error="m").matrix], content


def test_long_text_is_wrapped_and_cut_with_an_ellipsis_inside_its_box():
    font = qrsheet.Font("F1")
    long = EMPLOYERS[3] * 2
    lines = font.fit(long, 7.5, 80, 2)
    assert len(lines) == 2
    assert all(font.width(line, 7.5) <= 80 for line in lines)
    assert lines[1].endswith("…") and not lines[0].endswith("…")
    assert "".join(lines).rstrip("…") == long[:len("".join(lines)) - 1]
    assert font.fit("普工", 7.5, 80, 2) == ["普工"]
    assert font.fit("Senior Java developer", 10, 80, 2) == ["Senior Java", "developer"]  # between words


def test_png_zip_holds_one_png_per_label_decoding_to_its_url():
    labels = make_labels(12)
    out = io.BytesIO()
    names = write_png_zip(labels, out, scale=6)
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == names
        for name, label in zip(names, labels):
            image = Image.open(io.BytesIO(archive.read(name)))
            assert image.format == "PNG"
            assert decode(image) == [label.url], name


def test_png_file_names_are_safe_and_unique():
    labels = make_labels(12) + [Label("https://x/1", 'a/b\\c:*?"<>|\x00公司', "../../etc/passwd", 1, "面议")]
    names = [qrsheet.file_name(label, n) for n, label in enumerate(labels, 1)]
    assert len(set(names)) == len(names)
    for name in names:
        assert not re.search(r'[\\/:*?"<>|\x00-\x1f]', name) and name.endswith(".png") and len(name) < 100
    assert names[0] == "湖州南浔华宇电梯有限公司-普工-1.png"
    assert names[-1] == "a_b_c_ 公司-etc_passwd-13.png"  # no path, no leading dot
