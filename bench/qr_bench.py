"""QR label sheet benchmark: 3,000 job labels, three ways, in one run.

    .venv/bin/python bench/qr_bench.py [--labels 3000] [--runs 3] [--memory-labels 5000]
        [--peer png|svg|both] [--png-scale 10] [--skip-peer] [--profile FILE]

(a) segno computes the 3,000 QR matrices, nothing else (the floor: every way of printing
    the codes does this first),
(b) Hezuo's `write_pdf` writes the A4 PDF of the 3,000 labels (3 × 7 a page, cut marks,
    vector codes, Chinese text in an embedded font subset) and a poster page per employer,
(c) the same labels the usual way: an HTML page of <img> QR codes (segno's data URIs: PNG of
    --png-scale pixels a module, or SVG with --peer svg) with the same text, the same page
    header and footer and the poster pages, printed to PDF by WeasyPrint;
(m) (b) with --memory-labels labels (5,000), for its peak memory.

Each phase runs in its own process, so timings and peak memory do not leak into each other;
making the labels is not timed. (a) and (b) run --runs times, taking turns, and their
medians are compared; (c) runs once (it is the slow one). Besides seconds, each run's CPU
seconds are printed: on a shared machine they move less than wall-clock time. Prints the
ratios the issue asks for: (b)/(a) ≤ 3, (c)/(b) ≥ 5, (m) peak RSS < 300 MiB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "jobs.nanxun.example.cn"
TITLE = "2026年南浔区“春风行动”专场招聘会"
EMPLOYERS = ["湖州南浔华宇电梯有限公司", "浙江久立特材科技股份有限公司", "南浔区善琏湖笔文化产业园管理服务有限公司",
             "湖州南浔双林镇某某纺织印染有限公司", "浙江某某智能装备科技股份有限公司（南浔分公司）"]
TITLES = ["普工", "数控车床操作工", "电梯安装调试技术员（持证优先）", "仓库管理员", "质检员（夜班）", "电工", "焊工",
          "行政文员", "叉车司机", "后端开发工程师"]
SALARIES = ["4,500–6,000元/月", "面议", "6,000–9,000元/月，包吃住", "8,000元/月起"]
PER_EMPLOYER = 12  # postings per employer: 3,000 labels, 250 poster pages


def make_labels(count):
    from hezuo.jobs.qrsheet import Label, Poster

    labels = [Label(url=f"https://{HOST}/jobs/{100000 + i}/",
                    employer=f"{EMPLOYERS[(i // PER_EMPLOYER) % len(EMPLOYERS)]}{i // PER_EMPLOYER}",
                    title=TITLES[i % len(TITLES)], headcount=(i * 7) % 40 or None, salary_text=SALARIES[i % 4])
              for i in range(count)]
    posters = [Poster(employer=labels[i].employer, url=f"https://{HOST}/employers/{i // PER_EMPLOYER}/",
                      labels=tuple(labels[i:i + PER_EMPLOYER])) for i in range(0, count, PER_EMPLOYER)]
    return labels, posters


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_floor(labels, posters, out):
    import segno

    for item in [*labels, *posters]:
        segno.make_qr(item.url, error="m").matrix


def phase_hezuo(labels, posters, out):
    from hezuo.jobs.qrsheet import write_pdf

    with open(out, "wb") as file:
        write_pdf(labels, posters, file, host=HOST, title=TITLE)


def phase_peer(labels, posters, out, kind):
    """The usual way: one HTML page, a box per label with an <img> of the code, WeasyPrint."""
    from html import escape

    import segno
    from weasyprint import HTML

    def image(url):
        qr = segno.make_qr(url, error="m")
        if kind == "png":  # pixels a module: 10 prints a 26 mm code at ~280 dpi
            return qr.png_data_uri(scale=int(os.environ.get("BENCH_PNG_SCALE", 10)), border=0)
        return qr.svg_data_uri(border=0)

    boxes = [f'<div class="label"><img src="{image(label.url)}"><div class="text"><b>{escape(label.title)}</b>'
             f'<p class="employer">{escape(label.employer)}</p><p>{escape(label.headcount_text)}</p>'
             f'<p>{escape(label.salary_text)}</p></div></div>' for label in labels]
    posters_html = [f'<section class="poster"><h1>{escape(poster.employer)}</h1><img src="{image(poster.url)}">'
                    f'<table>{"".join(f"<tr><td>{escape(label.title)}</td><td>{escape(label.salary_text)}</td></tr>" for label in poster.labels)}'
                    f"</table></section>" for poster in posters]
    html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 15mm 10mm 12mm;
              @top-left {{ content: "{escape(TITLE)}"; font-size: 8pt }}
              @top-right {{ content: "扫码指向 {HOST}"; font-size: 8pt }}
              @bottom-center {{ content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt }} }}
      body {{ font-family: "Noto Sans CJK SC"; font-size: 8pt; margin: 0 }}
      .label {{ display: inline-block; box-sizing: border-box; width: 63.3mm; height: 38mm; padding: 6mm 3mm 0 4mm;
               border: 0.25pt dashed #888; overflow: hidden; vertical-align: top }}
      .label img {{ width: 26mm; height: 26mm; float: left; margin-right: 3.5mm }}
      .label b {{ font-size: 10.5pt; display: block; max-height: 2.6em; overflow: hidden }}
      .label p {{ margin: 0; max-height: 2.6em; overflow: hidden }}
      .employer {{ color: #555; font-size: 7.5pt }}
      .poster {{ page-break-before: always; text-align: center }}
      .poster img {{ width: 70mm; height: 70mm }} .poster table {{ margin: 0 auto; font-size: 11pt }}
    </style></head><body>{"".join(boxes)}{"".join(posters_html)}</body></html>"""
    HTML(string=html).write_pdf(out)


PHASES = {"floor": phase_floor, "hezuo": phase_hezuo, "peer-png": lambda *a: phase_peer(*a, "png"),
          "peer-svg": lambda *a: phase_peer(*a, "svg")}


def run_phase(name, labels, profile=None, png_scale=10):
    """Run one phase in a child process; returns its figures."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="hezuo.settings", HEZUO_DATA_DIR=tempfile.mkdtemp(),
               BENCH_PNG_SCALE=str(png_scale))
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    child = subprocess.run([sys.executable, __file__, "--phase", name, "--labels", str(labels)],
                           env=env, cwd=ROOT, capture_output=True, text=True)
    if child.returncode:
        sys.exit(f"phase {name} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def child(args):
    labels, posters = make_labels(args.labels)
    out = Path(tempfile.mkdtemp(prefix="hezuo-qr-bench-")) / "labels.pdf"
    if args.phase != "floor":  # imports and the font's tables are loaded before the clock starts in both
        from hezuo.jobs import qrsheet  # noqa: F401
    before, cpu = peak_mib(), cpu_seconds()
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("PHASES[args.phase](labels, posters, out)", globals(), locals(), os.environ["BENCH_PROFILE"])
    else:
        PHASES[args.phase](labels, posters, out)
    seconds = time.perf_counter() - started
    size = out.stat().st_size if out.exists() else 0
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds() - cpu, "peak_mib": peak_mib(), "baseline_mib": before,
                      "labels": len(labels), "posters": len(posters), "bytes": size}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3, help="runs of (a) and of (b), taking turns; medians count")
    parser.add_argument("--memory-labels", type=int, default=5000, help="labels of the peak-memory run (m); 0: none")
    parser.add_argument("--peer", choices=["png", "svg", "both"], default="png", help="the images of (c)")
    parser.add_argument("--png-scale", type=int, default=10, help="(c) with PNG: pixels a module")
    parser.add_argument("--skip-peer", action="store_true", help="leave out (c), the slow peer")
    parser.add_argument("--profile", help="write cProfile's figures of the last (b) run to this file")
    parser.add_argument("--phase", choices=PHASES)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.phase:
        return child(args)

    print(f"{args.labels:,} labels, {-(-args.labels // PER_EMPLOYER):,} poster pages", flush=True)
    # (a) and (b) take turns, --runs times, and the medians count: this machine is shared,
    # and a burst of someone else's work should not land on one side only.
    runs = {"floor": [], "hezuo": []}
    for run in range(args.runs):
        for name in runs:
            profile = args.profile if name == "hezuo" and run == args.runs - 1 else None
            runs[name].append(run_phase(name, args.labels, profile))
    results = {name: sorted(figures, key=lambda f: f["seconds"])[len(figures) // 2] for name, figures in runs.items()}
    peers = [] if args.skip_peer else (["png", "svg"] if args.peer == "both" else [args.peer])
    for kind in peers:
        results[f"peer-{kind}"] = run_phase(f"peer-{kind}", args.labels, png_scale=args.png_scale)
    if args.memory_labels:
        results["memory"] = run_phase("hezuo", args.memory_labels)
    letters = {"floor": "a", "hezuo": "b", "peer-png": "c", "peer-svg": "c", "memory": "m"}
    for name, figures in results.items():
        print(f"  ({letters[name]}) {name:<9} {figures['labels']:>6,} labels {figures['seconds']:8.2f} s "
              f"({figures['cpu']:.2f} s CPU)  peak RSS {figures['peak_mib']:5.0f} MiB "
              f"(before the timed part {figures['baseline_mib']:.0f} MiB)  {figures['bytes'] / 2**20:6.1f} MiB file",
              flush=True)
    print("  each run's (b)/(a): " + ", ".join(f"{b['seconds'] / a['seconds']:.2f}"
                                              for a, b in zip(runs["floor"], runs["hezuo"])))
    print("  each run's CPU seconds (a), (b): " + ", ".join(f"{a['cpu']:.2f}, {b['cpu']:.2f}"
                                                          for a, b in zip(runs["floor"], runs["hezuo"])))
    floor, hezuo = results["floor"]["seconds"], results["hezuo"]["seconds"]
    print(f"(b)/(a) = {hezuo / floor:.2f}   goal ≤ 3")
    for kind in peers:
        images = f"PNG, scale {args.png_scale}" if kind == "png" else "SVG"
        print(f"(c)/(b) = {results[f'peer-{kind}']['seconds'] / hezuo:.1f}   goal ≥ 5   (<img> of {images})")
    if args.memory_labels:
        print(f"(m) peak RSS = {results['memory']['peak_mib']:.0f} MiB for {args.memory_labels:,} labels   goal < 300 MiB")


if __name__ == "__main__":
    main()
