#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench-summary.py RES CG_FRAMES WALL_FRAMES TOTAL_FRAMES SESSIONS CONNS RUNS REAL_TSV - the
results table of tools/bench.sh from the raw numbers in RES (ir.tsv, wall.tsv, rss.tsv,
scaling.tsv); writes RES/summary.md and prints it.  The last line holds every ratio."""
import csv
import os
import statistics
import sys

CMDS = ("filter", "fields", "verbose", "report")
TARGETS = [("filter", 1.06), ("fields", 1.15), ("verbose", 1.15), ("report", 1.30)]


def main():
    res, cg_frames, wall_frames, total_frames, sessions, conns, runs = sys.argv[1], *map(int, sys.argv[2:8])
    real = {}
    for line in open(sys.argv[8]):
        if line.strip():
            cap, name, frames, _ftp, base = line.rstrip("\n").split("\t")
            real[cap] = (name, int(frames), int(base))
    ir = {}
    for cap, cmd, mode, big, one in csv.reader(open(os.path.join(res, "ir.tsv")), delimiter="\t"):
        # (whole - base run) / (frames - base frames); the big slices' base run is their first frame.
        per = real[cap][1] - real[cap][2] if cap in real else cg_frames - 1
        ir[cap, cmd, mode] = (int(big) - int(one)) / per
    wall, rss = {}, {}
    for r in csv.DictReader(open(os.path.join(res, "wall.tsv")), delimiter="\t"):
        k = (r["capture"], r["command"], r["mode"])
        wall.setdefault(k, []).append(float(r["seconds"]))
        rss.setdefault(k, []).append(int(r["max_rss_kb"]))
    full = {}
    for r in csv.DictReader(open(os.path.join(res, "rss.tsv")), delimiter="\t"):
        full[r["capture"], r["slice"], r["mode"]] = int(r["max_rss_kb"])
    names = {"ftp": "FTP-heavy", "noftp": "no-FTP"}
    names.update({cap: f"{name} (real, {frames} frames)" for cap, (name, frames, _) in real.items()})
    caps = ["ftp", "noftp"] + sorted(real)
    out = ["| capture | command | instr/frame stock | instr/frame ftplens | ratio | extra instr/frame | "
           "wall median stock (s) | wall median ftplens (s) | wall ratio | peak RSS stock (MiB) | peak RSS ftplens (MiB) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ratios = {}
    for cap in caps:
        for cmd in CMDS:
            s, f = ir[cap, cmd, "stock"], ir[cap, cmd, "ftplens"]
            ratios[cap, cmd] = f / s
            row = f"| {names[cap]} | {cmd} | {s:,.0f} | {f:,.0f} | **{f / s:.3f}** | {f - s:+,.0f} |"
            if (cap, cmd, "stock") in wall:
                ws, wf = statistics.median(wall[cap, cmd, "stock"]), statistics.median(wall[cap, cmd, "ftplens"])
                rs, rf = statistics.median(rss[cap, cmd, "stock"]), statistics.median(rss[cap, cmd, "ftplens"])
                row += f" {ws:.2f} | {wf:.2f} | {wf / ws:.3f} | {rs / 1024:.1f} | {rf / 1024:.1f} |"
            else:
                row += " | | | | |"
            out.append(row)
    out.append("")
    out.append(f"instructions: callgrind, first {cg_frames} frames minus the first frame (real captures: whole minus "
               f"their first {next(iter(real.values()))[2] if real else 20} frames); "
               f"wall and peak RSS: median of {runs} interleaved runs on the first {wall_frames} frames")

    def d(cap, sl):
        return full[cap, sl, "ftplens"] - full[cap, sl, "stock"]
    g_ftp = (d("ftp", "big") - d("ftp", "one")) * 1024
    g_no = (d("noftp", "big") - d("noftp", "one")) * 1024
    rss_ratio = full["ftp", "big", "ftplens"] / full["ftp", "big", "stock"]
    out.append(f"peak RSS of 'fields' on the whole FTP-heavy capture ({total_frames} frames, {sessions} FTP sessions): "
               f"stock {full['ftp', 'big', 'stock'] / 1024:.1f} MiB, ftplens {full['ftp', 'big', 'ftplens'] / 1024:.1f} MiB "
               f"({(rss_ratio - 1) * 100:+.1f} %); growth {g_ftp / sessions:,.0f} bytes per FTP session "
               f"({g_ftp / total_frames:,.0f} bytes per frame)")
    out.append(f"peak RSS of 'fields' on the whole no-FTP capture ({total_frames} frames, {conns} TCP connections): "
               f"stock {full['noftp', 'big', 'stock'] / 1024:.1f} MiB, ftplens {full['noftp', 'big', 'ftplens'] / 1024:.1f} MiB; "
               f"growth {g_no / total_frames:,.1f} bytes per frame ({g_no / conns:,.0f} bytes per TCP connection)")
    out.append("(growth = (ftplens - stock) on the whole capture minus (ftplens - stock) on its first frame)")
    scaling(res, out)
    met = [f"FTP-heavy {cmd} <= {lim} {'met' if ratios['ftp', cmd] <= lim else 'MISSED'}" for cmd, lim in TARGETS]
    met += [f"no-FTP {cmd} <= 1.01 {'met' if ratios['noftp', cmd] <= 1.01 else 'MISSED'}" for cmd in CMDS]
    met.append(f"peak RSS FTP-heavy <= +10 % {'met' if rss_ratio <= 1.10 else 'MISSED'}")
    met.append(f"no-FTP growth 0 B/frame {'met' if g_no <= 0 else 'MISSED'}")
    out.append("targets (issue 13): " + "; ".join(met))
    out.append("ratios ftplens/stock, instructions per frame: " + " | ".join(
        f"{names[c]} " + " ".join(f"{m} {ratios[c, m]:.3f}" for m in CMDS) for c in caps)
        + f" | peak RSS FTP-heavy {rss_ratio:.3f}")
    text = "\n".join(out)
    open(os.path.join(res, "summary.md"), "w").write(text + "\n")
    print(text)


def scaling(res, out):
    rows = list(csv.DictReader(open(os.path.join(res, "scaling.tsv")), delimiter="\t"))
    if not rows:
        return
    out.append("")
    out.append("| scaling | size | frames | sessions | peak RSS stock (MiB) | peak RSS ftplens (MiB) | growth per session (bytes) "
               "| instr/frame stock | instr/frame ftplens | ratio |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    by = {}
    for r in rows:
        by.setdefault((r["what"], r["size"]), {})[r["mode"]] = r
    for (what, size), m in by.items():
        st, fl = m["stock"], m["ftplens"]
        grow = (int(fl["max_rss_kb"]) - int(st["max_rss_kb"])) * 1024 / max(1, int(st["sessions"]))
        label = ("FTP-heavy capture", size + " %") if what == "capture" else ("one session", size + " commands")
        row = (f"| {label[0]} | {label[1]} | {st['frames']} | {st['sessions']} | {int(st['max_rss_kb']) / 1024:.1f} | "
               f"{int(fl['max_rss_kb']) / 1024:.1f} | {grow:,.0f} |")
        if st["ir_big"]:
            n = int(st["frames"]) - 1
            a = (int(st["ir_big"]) - int(st["ir_one"])) / n
            b = (int(fl["ir_big"]) - int(fl["ir_one"])) / n
            row += f" {a:,.0f} | {b:,.0f} | {b / a:.3f} |"
        else:
            row += " | | |"
        out.append(row)


if __name__ == "__main__":
    main()
