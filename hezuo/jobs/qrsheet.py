"""Printable QR labels for a recruitment event's job postings: an A4 PDF and a ZIP of PNGs.

Independent of the models: callers turn postings into `Label`s and employers into `Poster`s.

The PDF is written by hand rather than through WeasyPrint: an event has thousands of labels,
and laying out thousands of <img> boxes in HTML costs several times what encoding the codes
does (bench/qr_bench.py, bench/RESULTS.md). Here each page is one content stream written to
the file as soon as it is drawn, so memory stays flat however many labels there are:

- each QR code is one vector path, the dark modules of a row merged into one rectangle, from
  segno's matrix;
- text is set in Noto Sans CJK SC (fonts-noto-cjk), regular and bold, embedded once per
  document as a subset of the glyphs used. Codes in the content are the font's CIDs, which
  the subset keeps (it stays CID-keyed), so pages can be written before the subset is made;
- text is measured with the font's own advances, wrapped by character and cut with "…" to
  the lines a box has: nothing from the data can overflow a label or be read as markup.
"""

import dataclasses
import functools
import io
import math
import re
import subprocess
import unicodedata
import zipfile
import zlib
from urllib.parse import urlsplit

import segno

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4 in points

# The label grid: 3 × 7 labels of 63.3 × 38 mm; the QR symbol (without its quiet zone) is
# 26 mm wide, which a phone reads from arm's length when printed.
COLUMNS, ROWS = 3, 7
GRID_LEFT = 10 * MM
LABEL_WIDTH = (PAGE_WIDTH - 2 * GRID_LEFT) / COLUMNS
LABEL_HEIGHT = 38 * MM
GRID_TOP = PAGE_HEIGHT - (PAGE_HEIGHT - ROWS * LABEL_HEIGHT) / 2
QR_SIDE = 26 * MM
LABELS_PER_PAGE = COLUMNS * ROWS

FONT_FAMILY = "Noto Sans CJK SC"
ELLIPSIS = "…"


@dataclasses.dataclass(frozen=True)
class Label:
    """One job posting's label: its QR code's URL and the text printed beside it."""

    url: str
    employer: str
    title: str
    headcount: int | None  # None: not stated (招聘若干人)
    salary_text: str  # as the posting shows it, e.g. "4,500–6,000元/月" or "面议"

    @property
    def headcount_text(self):
        return f"招聘{self.headcount}人" if self.headcount else "招聘若干人"


@dataclasses.dataclass(frozen=True)
class Poster:
    """An employer's poster page: its name, its postings, one QR code for its page."""

    employer: str
    url: str
    labels: tuple[Label, ...]


# -- fonts ---------------------------------------------------------------------------------


@functools.cache
def font_file(bold=False):
    """(path, index in the collection) of Noto Sans CJK SC, as fontconfig finds it."""
    pattern = f"{FONT_FAMILY}:{'bold' if bold else 'regular'}"
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern], capture_output=True, text=True,
                               timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        found = []
    weight = "Bold" if bold else "Regular"
    if len(found) == 2 and "CJK" in found[0]:
        return found[0], int(found[1])
    # fonts-noto-cjk's file; index 2 is the SC face of the collection.
    return f"/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc", 2


@functools.cache
def _font_metrics(bold):
    """The face's character map (char → CID) and advances (CID → 1/1000 em)."""
    from fontTools.ttLib import TTFont

    path, index = font_file(bold)
    font = TTFont(path, fontNumber=index, lazy=True)
    names = font.getGlyphOrder()
    advances = font["hmtx"].metrics
    cids, widths = {}, {}
    for code, name in font.getBestCmap().items():
        # A CID-keyed CFF font: glyph n is named "cid0000n" and its CID is n.
        cid = int(name[3:]) if name.startswith("cid") else names.index(name)
        cids[chr(code)] = cid
        widths[cid] = advances[name][0]
    return cids, widths


class Font:
    """One face of the document: measures text, encodes it as CIDs and remembers what it used."""

    def __init__(self, resource, bold=False):
        self.resource = resource
        self.bold = bold
        self.cids, self.advances = _font_metrics(bold)
        self.used = {}  # CID → the character it shows (ToUnicode)
        self.fallback = self.cids["?"]

    def width(self, text, size):
        cids, advances, fallback = self.cids, self.advances, self.fallback
        return sum(advances[cids.get(char, fallback)] for char in text) * size / 1000

    def encode(self, text):
        """The text as a PDF hex string of two-byte CIDs."""
        cids, used, fallback = self.cids, self.used, self.fallback
        out = []
        for char in text:
            cid = cids.get(char)
            if cid is None:
                cid, char = fallback, "?"
            used[cid] = char
            out.append(f"{cid:04X}")
        return "<" + "".join(out) + ">"

    def fit(self, text, size, width, lines):
        """`text` broken into at most `lines` lines no wider than `width`; what does not fit
        ends in "…". Breaks between any two characters (Chinese has no spaces), preferring
        a space when a Latin word would be cut."""
        text = plain(text)
        out = []
        cids, advances, fallback = self.cids, self.advances, self.fallback
        limit = width * 1000 / size
        start = 0
        while start < len(text) and len(out) < lines:
            used, end, last_space = 0, start, -1
            while end < len(text):
                used += advances[cids.get(text[end], fallback)]
                if used > limit:
                    break
                if text[end] == " ":
                    last_space = end
                end += 1
            if end < len(text) and last_space > start and text[end] != " " and text[end - 1].isascii():
                end = last_space + 1
            if end == start:  # not even one character fits
                break
            out.append(text[start:end].strip())
            start = end
            while start < len(text) and text[start] == " ":
                start += 1
        if start < len(text):
            last = out[-1] if out else ""
            while last and self.width(last + ELLIPSIS, size) > width:
                last = last[:-1]
            if out:
                out[-1] = last.rstrip() + ELLIPSIS
            else:
                out.append(ELLIPSIS)
        return out

    def subset(self):
        """The CFF table of the face cut down to the glyphs used (CID-keyed, CIDs kept)."""
        from fontTools import subset
        from fontTools.ttLib import TTFont

        path, index = font_file(self.bold)
        font = TTFont(path, fontNumber=index, lazy=True)
        options = subset.Options(notdef_outline=True, hinting=False, desubroutinize=True, name_IDs=[],
                                 layout_features=[], glyph_names=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=[".notdef"] + [f"cid{cid:05d}" for cid in sorted(self.used)])
        subsetter.subset(font)
        out = io.BytesIO()
        font["CFF "].cff.compile(out, font)
        return out.getvalue()


def plain(text):
    """One line of text from data: controls, line breaks and spaces of any kind become one
    space; invisible format characters (zero-width space, BOM …) are dropped."""
    text = str(text or "")
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text
                       if unicodedata.category(char) not in ("Cf", "Cs", "Co", "Cn"))
    return " ".join(text.split())


# -- the PDF file --------------------------------------------------------------------------


class PdfFile:
    """A PDF written object by object as it is made; only the offsets are kept."""

    def __init__(self, out):
        self.out = out
        self.position = 0
        self.offsets = {}
        self.next_number = 1
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data):
        self.out.write(data)
        self.position += len(data)

    def reserve(self):
        number = self.next_number
        self.next_number += 1
        return number

    def add(self, body, number=None):
        number = number or self.reserve()
        self.offsets[number] = self.position
        self._write(f"{number} 0 obj\n".encode() + (body.encode() if isinstance(body, str) else body) + b"\nendobj\n")
        return number

    def add_stream(self, data, extra="", number=None):
        data = zlib.compress(data, 6)
        return self.add(f"<< /Length {len(data)} /Filter /FlateDecode{extra} >>\nstream\n".encode() + data
                        + b"\nendstream", number)

    def close(self, root, info):
        xref = self.position
        count = self.next_number
        lines = [f"xref\n0 {count}\n0000000000 65535 f \n"]
        lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, count)]
        lines.append(f"trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n")
        self._write("".join(lines).encode())


def host_of(url):
    """The host a URL points to ("https://jobs.example.cn:8443/j/1" → "jobs.example.cn:8443");
    a bare host name is its own host."""
    url = plain(url)
    return (urlsplit(url).netloc if "://" in url else url.split("/")[0]).lower()


def pdf_string(text):
    """A PDF text string (UTF-16BE with BOM): metadata is text, never syntax."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _embed_font(pdf, font, number):
    """The Type0 font dictionary `number` for `font`, its subset, widths and ToUnicode map."""
    data = font.subset()
    file_number = pdf.add_stream(data, " /Subtype /CIDFontType0C")
    name = f"/HZQRS{'B' if font.bold else 'R'}+NotoSansCJKsc-{'Bold' if font.bold else 'Regular'}"
    descriptor = pdf.add(f"<< /Type /FontDescriptor /FontName {name} /Flags 4 /FontBBox [-1000 -300 3000 1200]"
                         f" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 733 /StemV {120 if font.bold else 80}"
                         f" /FontFile3 {file_number} 0 R >>")
    cids = sorted(font.used)
    widths = " ".join(f"{cid} [{font.advances[cid]}]" for cid in cids)
    descendant = pdf.add(f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont {name}"
                         " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                         f" /FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] >>")
    cmap = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(cids), 100):
        batch = cids[start:start + 100]
        cmap.append(f"{len(batch)} beginbfchar")
        cmap += [f"<{cid:04X}> <{font.used[cid].encode('utf-16-be').hex().upper()}>" for cid in batch]
        cmap.append("endbfchar")
    cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    to_unicode = pdf.add_stream("\n".join(cmap).encode())
    pdf.add(f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H"
            f" /DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>", number)


# -- drawing -------------------------------------------------------------------------------

_DARK_RUN = re.compile(rb"\x01+")


def qr_matrix(url):
    """The module matrix segno makes for `url` (error correction at least M, raised when
    free): rows of bytes, 1 for dark. Equal to `segno.make_qr(url, error="m").matrix`
    (tests/test_qrsheet.py holds it to that), about three times faster.

    segno picks the best of the eight data masks (ISO/IEC 18004 7.8.3) by scoring each one
    module by module in Python: four fifths of its time, and of a sheet's. Here segno encodes
    once with mask 0, and the eight candidates are scored by the same rules, segno's way,
    on whole rows and columns at once (big integers of one byte per module for runs and 2 × 2
    blocks, `bytes.find` for the finder-like pattern); the matrix of the winner is put
    together from the one segno made.
    """
    code = segno.make_qr(url, error="m", mask=0)
    size = len(code.matrix)
    layout = _mask_layout(code.version)
    # The matrix as segno scores it: data unmasked, format and version areas blank.
    unmasked = layout.function | ((int.from_bytes(b"".join(code.matrix), "big") ^ layout.masks[0]) & layout.data)
    scores = [_mask_score((unmasked ^ mask).to_bytes(size * size, "big"), size, layout.valid_blocks)
              for mask in layout.masks]
    best = scores.index(min(scores))
    chosen = unmasked ^ layout.masks[best]
    key = (code.version, code.error, best)
    if key not in _FORMAT_BITS:
        final = segno.make_qr(url, error="m", mask=best).matrix
        _FORMAT_BITS[key] = int.from_bytes(b"".join(final), "big") ^ chosen
    whole = (chosen | _FORMAT_BITS[key]).to_bytes(size * size, "big")
    return [whole[i:i + size] for i in range(0, size * size, size)]


# (version, error level, mask) → the format and version information modules, as segno writes them.
_FORMAT_BITS = {}


@dataclasses.dataclass(frozen=True)
class _Layout:
    function: int  # function patterns (finders, separators, timing, alignment); 0 elsewhere
    data: int  # 1 on each module of the encoding region
    masks: tuple  # the eight data masks, 1 where a mask flips a module of the encoding region
    valid_blocks: int  # 1 on each module that can be the bottom right of a 2 × 2 block


@functools.cache
def _mask_layout(version):
    """For a QR symbol of `version`, whole matrices as integers of one byte per module.

    Built with segno's own helpers (not its public API, pinned with segno in requirements.txt),
    so the regions are exactly those segno masks."""
    from segno import encoder

    size = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    data = [[int(value > 1) for value in row] for row in matrix]
    data[-8][8] = 0  # the dark module
    functions = encoder.get_data_mask_functions(False)

    def whole(cell):
        return int.from_bytes(bytes(cell(i, j) for i in range(size) for j in range(size)), "big")

    return _Layout(
        function=whole(lambda i, j: matrix[i][j] if matrix[i][j] < 2 else 0),
        data=whole(lambda i, j: data[i][j]),
        masks=tuple(whole(lambda i, j, f=f: data[i][j] & int(f(i, j))) for f in functions),
        valid_blocks=whole(lambda i, j: int(i > 0 and j > 0)))


_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))
_EQUAL = bytes([1] + [0] * 255)  # bytes.translate: a zero byte (equal modules) → 1, else 0


def _same_as(one, other, length):
    """1 in each byte where the bytes of `one` and `other` (integers of `length` bytes) are equal."""
    return int.from_bytes((one ^ other).to_bytes(length, "big").translate(_EQUAL), "big")


def _mask_score(matrix, size, valid_blocks):
    """The penalty of one masked matrix (`size` × `size` bytes), as segno's `mask_scores`
    counts it: N1 runs of five or more, N2 2 × 2 blocks, N3 1:1:3:1:1 patterns with four
    light modules on a side (segno's reading of it), N4 the share of dark modules."""
    rows = [matrix[i:i + size] for i in range(0, size * size, size)]
    # Every row, then every column, each after a 2 (never equal to a module).
    lines = b"\x02" + b"\x02".join(rows + [matrix[j::size] for j in range(size)])

    # A run of L ≥ 5 scores L - 2: its L - 4 windows of five equal modules, plus 2 for the
    # first window of the run.
    line = int.from_bytes(lines, "big")
    same = _same_as(line, line >> 8, len(lines))
    windows = same & (same >> 8) & (same >> 16) & (same >> 24)
    n1 = windows.bit_count() + 2 * (windows & ~(windows >> 8)).bit_count()

    whole = int.from_bytes(matrix, "big")
    length = size * size
    same_as_above = _same_as(whole, whole >> (8 * size), length)
    same_as_left = _same_as(whole, whole >> 8, length)
    n2 = 3 * (same_as_above & (same_as_above >> 8) & same_as_left & valid_blocks).bit_count()

    n3 = 0
    step = size + 1
    found = lines.find(_FINDER_LIKE)
    while found != -1:
        at = (found - 1) % step  # where in its row or column (after the leading 2)
        start = found - at
        after = at + 7
        if at in (0, size - 7) or 1 not in lines[start + max(at - 4, 0):start + at] \
                or 1 not in lines[start + after:start + min(after + 4, size)]:
            n3 += 40
            found = lines.find(_FINDER_LIKE, start + after)
        else:
            found = lines.find(_FINDER_LIKE, start + at + 4)

    n4 = 10 * int(abs(matrix.count(1) / length * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def qr_path(matrix, x, y, side):
    """One filled path drawing the QR symbol `matrix` in a `side`-wide square whose top left
    corner is (x, y): each row's runs of dark modules are one rectangle each."""
    size = len(matrix)
    parts = [f"q 0 g {side / size:.4f} 0 0 {-side / size:.4f} {x:.2f} {y:.2f} cm"]
    for row_number, row in enumerate(matrix):
        for run in _DARK_RUN.finditer(bytes(row)):
            parts.append(f"{run.start()} {row_number} {run.end() - run.start()} 1 re")
    parts.append("f Q")
    return "\n".join(parts)


class Page:
    """The drawing operators of one page, collected as text."""

    def __init__(self, regular, bold):
        self.regular, self.bold = regular, bold
        self.parts = []

    def text(self, font, size, x, y, line, align="left", gray=0):
        if align != "left":
            width = font.width(line, size)
            x -= width if align == "right" else width / 2
        self.parts.append(f"BT {gray:g} g /{font.resource} {size:g} Tf {x:.2f} {y:.2f} Td {font.encode(line)} Tj ET")

    def lines(self, font, size, x, y, lines, leading, **options):
        """Lines top down from baseline `y`; returns the baseline after the last line."""
        for line in lines:
            self.text(font, size, x, y, line, **options)
            y -= leading
        return y

    def draw(self, operators):
        self.parts.append(operators)

    def data(self):
        return "\n".join(self.parts).encode("ascii")


def _header_and_footer(page, title, host, number, total):
    font, size = page.regular, 8
    top = PAGE_HEIGHT - 7 * MM
    title_lines = font.fit(title, size, PAGE_WIDTH / 2 - GRID_LEFT, 1)
    page.lines(font, size, GRID_LEFT, top, title_lines, 0, gray=0.3)
    page.text(font, size, PAGE_WIDTH - GRID_LEFT, top, font.fit(f"扫码指向 {host}", size, PAGE_WIDTH / 2 - GRID_LEFT, 1)[0],
              align="right", gray=0.3)
    page.text(font, size, PAGE_WIDTH / 2, 6 * MM, f"第 {number} 页 / 共 {total} 页", align="center", gray=0.3)


def _cut_marks(rows):
    """Crop marks in the margins on every column and row line of the grid, and small crosses
    where inner lines meet, so the sheet can be cut with a guillotine or scissors."""
    left, right = GRID_LEFT, PAGE_WIDTH - GRID_LEFT
    top, bottom = GRID_TOP, GRID_TOP - rows * LABEL_HEIGHT
    gap, length, arm = 1.5 * MM, 4 * MM, 1.5 * MM
    path = []
    for column in range(COLUMNS + 1):
        x = left + column * LABEL_WIDTH
        path.append(f"{x:.2f} {top + gap:.2f} m {x:.2f} {top + gap + length:.2f} l")
        path.append(f"{x:.2f} {bottom - gap:.2f} m {x:.2f} {bottom - gap - length:.2f} l")
    for row in range(rows + 1):
        y = top - row * LABEL_HEIGHT
        path.append(f"{left - gap:.2f} {y:.2f} m {max(left - gap - length, 1):.2f} {y:.2f} l")
        path.append(f"{right + gap:.2f} {y:.2f} m {min(right + gap + length, PAGE_WIDTH - 1):.2f} {y:.2f} l")
    for column in range(1, COLUMNS):
        for row in range(1, rows):
            x, y = left + column * LABEL_WIDTH, top - row * LABEL_HEIGHT
            path.append(f"{x - arm:.2f} {y:.2f} m {x + arm:.2f} {y:.2f} l {x:.2f} {y - arm:.2f} m {x:.2f} {y + arm:.2f} l")
    return "q 0.25 w 0 G\n" + "\n".join(path) + "\nS Q"


def _label(page, label, x, y):
    """One label with its top left corner at (x, y)."""
    regular, bold = page.regular, page.bold
    qr_left = x + 4 * MM
    qr_top = y - (LABEL_HEIGHT - QR_SIDE) / 2
    page.draw(qr_path(qr_matrix(label.url), qr_left, qr_top, QR_SIDE))
    text_left = qr_left + QR_SIDE + 3.5 * MM
    width = x + LABEL_WIDTH - 3 * MM - text_left
    # Title (the job) first and largest, then employer, headcount and salary; two lines each
    # at most. The block is centred on the QR code's height.
    title = bold.fit(label.title, 10.5, width, 2)
    employer = regular.fit(label.employer, 7.5, width, 2)
    facts = regular.fit(label.headcount_text, 8, width, 1) + regular.fit(label.salary_text, 8, width, 2)
    height = len(title) * 13 + 3 + len(employer) * 9.5 + 3 + len(facts) * 10.5
    # The first baseline, where the title's top (0.88 em above it) meets the centred block's
    # top; never above the code's top.
    baseline = min(qr_top - (QR_SIDE - height) / 2, qr_top) - 10.5 * 0.88
    baseline = page.lines(bold, 10.5, text_left, baseline, title, 13) - 3
    baseline = page.lines(regular, 7.5, text_left, baseline + 2, employer, 9.5, gray=0.35) - 3
    page.lines(regular, 8, text_left, baseline, facts, 10.5)


def _label_page(page, labels):
    rows = math.ceil(len(labels) / COLUMNS)
    page.draw(_cut_marks(rows))
    for i, label in enumerate(labels):
        row, column = divmod(i, COLUMNS)
        _label(page, label, GRID_LEFT + column * LABEL_WIDTH, GRID_TOP - row * LABEL_HEIGHT)


def _poster_page(page, poster, title):
    regular, bold = page.regular, page.bold
    left, width = 20 * MM, PAGE_WIDTH - 40 * MM
    y = PAGE_HEIGHT - 30 * MM
    y = page.lines(bold, 24, PAGE_WIDTH / 2, y, bold.fit(poster.employer, 24, width, 2), 32, align="center")
    page.lines(regular, 12, PAGE_WIDTH / 2, y + 4, regular.fit(title, 12, width, 1), 0, align="center", gray=0.35)
    side = 70 * MM
    qr_top = y - 10 * MM  # clear of the text by the quiet zone a scanner needs (4 modules)
    page.draw(qr_path(qr_matrix(poster.url), (PAGE_WIDTH - side) / 2, qr_top, side))
    count = len(poster.labels)
    y = qr_top - side - 13 * MM
    page.text(regular, 12, PAGE_WIDTH / 2, y, f"微信扫码查看本单位全部 {count} 个岗位", align="center")
    y -= 14 * MM
    # The table of postings: 岗位 | 人数 | 薪资
    columns = (left, left + width * 0.5, left + width * 0.66)
    page.text(bold, 11, columns[0], y, "岗位")
    page.text(bold, 11, columns[1], y, "人数")
    page.text(bold, 11, columns[2], y, "薪资")
    page.draw(f"q 0.5 w 0.4 G {left:.2f} {y - 5:.2f} m {left + width:.2f} {y - 5:.2f} l S Q")
    y -= 20
    room = int((y - 18 * MM) // 18) + 1  # rows down to the footer
    shown = poster.labels if count <= room else poster.labels[:room - 1]
    for label in shown:
        page.text(regular, 11, columns[0], y, regular.fit(label.title, 11, columns[1] - columns[0] - 4 * MM, 1)[0])
        page.text(regular, 11, columns[1], y, f"{label.headcount}人" if label.headcount else "若干")
        page.text(regular, 11, columns[2], y, regular.fit(label.salary_text, 11, left + width - columns[2], 1)[0])
        y -= 18
    if len(shown) < count:
        page.text(regular, 11, columns[0], y, f"另有 {count - len(shown)} 个岗位，请扫码查看", gray=0.35)


def write_pdf(labels, posters, out, *, host, title, progress=None):
    """Write the A4 PDF of `labels` (3 × 7 a page, with cut marks) followed by one poster page
    per `posters` entry to the binary file object `out`, page by page.

    Every page says which host the codes point to (扫码指向 `host`: a host name, or the public
    base URL it is taken from) and its number; a code pointing anywhere else is refused
    (ValueError) before anything is written. `progress(done, total)` is called after each
    page with pages done and pages in all. Returns the number of pages.
    """
    labels = list(labels)
    posters = list(posters)
    host = host_of(host)
    for what, items in (("标签", labels), ("海报", posters)):
        for number, item in enumerate(items, 1):
            if host_of(item.url) != host:
                raise ValueError(f"第{number}个{what}的二维码指向 {host_of(item.url) or item.url}，"
                                 f"不是本单位的公网地址 {host}")
    pdf = PdfFile(out)
    regular, bold = Font("F1"), Font("F2", bold=True)
    font_numbers = (pdf.reserve(), pdf.reserve())
    pages_number = pdf.reserve()
    resources = f"<< /Font << /F1 {font_numbers[0]} 0 R /F2 {font_numbers[1]} 0 R >> >>"
    label_pages = [labels[i:i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]
    total = len(label_pages) + len(posters)
    page_numbers = []

    def finish(page):
        content = pdf.add_stream(page.data())
        page_numbers.append(pdf.add(f"<< /Type /Page /Parent {pages_number} 0 R /MediaBox [0 0 {PAGE_WIDTH:.2f} "
                                    f"{PAGE_HEIGHT:.2f}] /Resources {resources} /Contents {content} 0 R >>"))
        if progress:
            progress(len(page_numbers), total)

    for chunk in label_pages:
        page = Page(regular, bold)
        _label_page(page, chunk)
        _header_and_footer(page, title, host, len(page_numbers) + 1, total)
        finish(page)
    for poster in posters:
        page = Page(regular, bold)
        _poster_page(page, poster, title)
        _header_and_footer(page, title, host, len(page_numbers) + 1, total)
        finish(page)
    if not page_numbers:  # nothing to print still makes a valid, empty page
        page = Page(regular, bold)
        _header_and_footer(page, title, host, 1, 1)
        finish(page)
    for font, number in zip((regular, bold), font_numbers):
        _embed_font(pdf, font, number)
    kids = " ".join(f"{n} 0 R" for n in page_numbers)
    pdf.add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_numbers)} >>", pages_number)
    root = pdf.add(f"<< /Type /Catalog /Pages {pages_number} 0 R /Lang (zh-CN) >>")
    info = pdf.add(f"<< /Title {pdf_string(plain(title))} /Subject {pdf_string('扫码指向 ' + plain(host))}"
                   f" /Producer (Hezuo) >>")
    pdf.close(root, info)
    return len(page_numbers)


# -- PNG files -----------------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(label, number):
    """A file name for label `number` that every system accepts and no other label gets:
    "<employer>-<title>-<number>.png", characters Windows refuses replaced, parts shortened."""
    def part(text, limit):
        text = _UNSAFE_IN_NAME.sub("_", plain(text)).strip(" ._") or "_"
        return text[:limit]

    return f"{part(label.employer, 40)}-{part(label.title, 30)}-{number}.png"


@functools.cache
def _pillow_font(size, bold=False):
    from PIL import ImageFont

    path, index = font_file(bold)
    font = ImageFont.truetype(path, size, index=index)
    font.bold = bold
    return font


@functools.cache
def _measure(bold):
    return Font(None, bold)


_LIGHT_AS_WHITE = bytes([255, 0] + [0] * 254)


def label_png(label, scale=10):
    """One label as a PNG: the QR code (`scale` pixels a module, quiet zone of four) and the
    title, employer, headcount and salary under it."""
    from PIL import Image, ImageDraw

    matrix = qr_matrix(label.url)
    modules = len(matrix)
    size = (modules + 8) * scale
    padding = max(size // 20, 8)
    title_font, text_font = _pillow_font(max(size // 14, 12), bold=True), _pillow_font(max(size // 20, 10))
    width = size - 2 * padding

    def fit(text, font, lines):
        # The PDF's measures and rule: Pillow draws the same face at `font.size` pixels an em.
        return _measure(font.bold).fit(text, font.size, width, lines)

    blocks = [(fit(label.title, title_font, 2), title_font, 0),
              (fit(label.employer, text_font, 2), text_font, 90),
              (fit(f"{label.headcount_text}　{label.salary_text}", text_font, 2), text_font, 0)]
    line_height = {id(title_font): title_font.size * 1.35, id(text_font): text_font.size * 1.4}
    caption = sum(len(lines) * line_height[id(font)] for lines, font, _ in blocks)
    image = Image.new("L", (size, int(size + caption + padding)), 255)
    # 1 is dark in the matrix, 0 is black in the image
    qr_image = Image.frombytes("L", (modules, modules), b"".join(matrix).translate(_LIGHT_AS_WHITE))
    image.paste(qr_image.resize((modules * scale,) * 2, Image.NEAREST), (4 * scale, 4 * scale))
    draw = ImageDraw.Draw(image)
    y = size - 2 * scale
    for lines, font, gray in blocks:
        for line in lines:
            draw.text((size / 2, y), line, font=font, fill=gray, anchor="ma")
            y += line_height[id(font)]
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def write_png_zip(labels, out, *, scale=10, progress=None):
    """Write a ZIP of one PNG per label (see `label_png`, `file_name`) to the binary file
    object `out`, for sending over WeChat. Returns the file names in order."""
    labels = list(labels)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number, label in enumerate(labels, 1):
            name = file_name(label, number)
            archive.writestr(name, label_png(label, scale))
            names.append(name)
            if progress:
                progress(number, len(labels))
    return names
