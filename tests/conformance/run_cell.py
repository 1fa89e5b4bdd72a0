#!/usr/bin/env python3
"""One cell of the GstValidate conformance matrix (issue 22): runs a pipeline of the project's
elements and its baseline (the same chain with the project's elements replaced by identity /
stock elements) under one gst-validate-1.0 scenario, and fails when the project pipeline reports
an issue the baseline does not, or does not finish within the time limit.

  run_cell.py VALIDATE_DIR SOURCE_DIR SHARED_DIR WORK_DIR PIPELINE SCENARIO

Issues both runs report belong to upstream elements: printed, never fatal. OVERRIDES lists the
issues that are not counted even when only the project pipeline reports them, with the reason.
"""
import os
import re
import subprocess
import sys
import threading

TIME_LIMIT_S = 120  # per run; the longest cell takes ~30 s on an idle machine

# Issue summary (as gst-validate prints it) -> why it does not fail the test.
OVERRIDES = {
    # (none yet)
}

SCENARIOS = ["none", "seek_forward", "seek_backward", "scrub_forward_seeking",
             "change_state_intensive", "pause_resume", "fast_forward", "reverse_playback",
             "play_15s", "simple_seeks"]


def pipelines(src, shared, work):
    clip = f"{shared}/media/faces/hamilton_640x360.mp4"  # 275 frames, 11 s, H.264 (+ AAC audio)
    zones = f"{src}/tests/data/pets_zones.json"
    decode = f"filesrc location={clip} ! decodebin ! videoconvert"
    analytics = ["retaildetect interval=3", "retailtrack", "retailliveness", "retailattr",
                 f"retailzones zones={zones}", "adoverlay draw-boxes=true"]

    def chain(elems, identity):
        return " ! ".join("identity" if identity else e for e in elems)
    return {
        # retailcamsrc on a file; baseline: uridecodebin, as in the issue.
        "camsrc": (f"retailcamsrc uri=file://{clip} sync=false drop-old=false ! fakesink",
                   f"uridecodebin uri=file://{clip} ! fakesink"),
        # Every per-frame element in a realistic chain.
        "analytics": (f"{decode} ! {chain(analytics, False)} ! videoconvert ! fakesink",
                      f"{decode} ! {chain(analytics, True)} ! videoconvert ! fakesink"),
        # kafkasink to a JSON-lines file, behind retailcamsrc and the zones.
        "kafka_file": (f"retailcamsrc uri=file://{clip} sync=false drop-old=false ! "
                       f"retailtrack ! retailzones zones={zones} ! "
                       f"kafkasink location={work}/events.jsonl sync=true",
                       f"uridecodebin uri=file://{clip} ! identity ! identity ! fakesink"),
        # kafkasink to librdkafka's mock cluster (test.mock.num.brokers: in-process brokers).
        "kafka_mock": (f"{decode} ! retaildetect interval=3 ! retailtrack ! "
                       f"kafkasink brokers=127.0.0.1:9 topic=conformance "
                       f"kafka-config=test.mock.num.brokers=1 spool-dir={work}/spool sync=true",
                       f"{decode} ! identity ! identity ! fakesink sync=true"),
    }


def env_for(validate_dir, src):
    env = dict(os.environ)
    b = f"{validate_dir}/build/validate"
    env["PATH"] = f"{b}/tools:" + env.get("PATH", "")
    env["LD_LIBRARY_PATH"] = f"{b}/gst/validate" + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    env["GST_VALIDATE_SCENARIOS_PATH"] = f"{validate_dir}/src/validate/data/scenarios"
    env["GST_VALIDATE_PLUGIN_PATH"] = f"{b}/plugins"
    return env


ISSUE = re.compile(r"^\s+(critical|warning|issue|ignore)\s*:\s*(.+?)\s*$")


def run(label, desc, scenario, env, out):
    args = ["gst-validate-1.0"]
    if scenario != "none":
        args += ["--set-scenario", scenario]
    args += desc.split()
    try:
        p = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=TIME_LIMIT_S, text=True, errors="replace")
        text, rc, timed_out = p.stdout, p.returncode, False
    except subprocess.TimeoutExpired as e:
        text = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        rc, timed_out = -1, True
    lines = [l for l in text.replace("\r", "\n").splitlines()
             if l.strip() and not l.startswith("<position")]
    issues = set()
    for l in lines:
        m = ISSUE.match(l)
        if m:
            issues.add((m.group(1), m.group(2)))
    out[label] = (rc, timed_out, issues, lines)


def main():
    validate_dir, src, shared, work, name, scenario = sys.argv[1:7]
    os.makedirs(work, exist_ok=True)
    env = env_for(validate_dir, src)
    project, baseline = pipelines(src, shared, work)[name]
    out = {}
    threads = [threading.Thread(target=run, args=(k, d, scenario, env, out))
               for k, d in (("project", project), ("baseline", baseline))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    prc, ptimeout, pissues, plines = out["project"]
    brc, btimeout, bissues, blines = out["baseline"]
    print(f"== {name} x {scenario}\nproject:  {project}\nbaseline: {baseline}")
    print("-- project log (tail):\n" + "\n".join(plines[-40:]))
    print(f"-- baseline issues: {sorted(bissues)} (rc {brc}{', timed out' if btimeout else ''})")
    print(f"-- project issues:  {sorted(pissues)} (rc {prc}{', timed out' if ptimeout else ''})")
    failures = []
    if ptimeout:
        failures.append(f"the project pipeline did not finish within {TIME_LIMIT_S} s")
    for level, summary in sorted(pissues - bissues):
        if summary in OVERRIDES:
            print(f"override: {level}: {summary} ({OVERRIDES[summary]})")
        else:
            failures.append(f"new issue over the baseline: {level}: {summary}")
    if prc != 0 and brc == 0 and not ptimeout:
        failures.append(f"gst-validate-1.0 returned {prc} on the project pipeline, 0 on the baseline")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
