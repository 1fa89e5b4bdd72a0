#!/usr/bin/env python3
"""The GstValidate tracer on retail-launch (issue 22): a two-camera store made from
configs/store.example.json (its models, stages, campaigns and per-camera zones; file cameras from
the shared media folder, events to JSON-lines files) runs under GST_TRACERS=validate with
GST_VALIDATE=fatal_criticals for a few seconds of frames, then gets SIGTERM. Fails on any critical
issue (the tracer then prints its reports and exits with "Bail out!"), on an exit code other than
0, on a shutdown without the launcher's summary, or on a camera that produced no frame.
Warnings and issues of the run are printed (GST_VALIDATE_FILE), not fatal.

  launcher_validate.py VALIDATE_DIR SOURCE_DIR SHARED_DIR BUILD_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

RUN_S = 8           # frames flowing before SIGTERM (the first frames come after model loading)
START_LIMIT_S = 90  # until both cameras have produced a frame (loaded machine: models load slowly)
STOP_LIMIT_S = 30   # SIGTERM -> exit (shutdown_timeout_ms below + the launcher's 2 s watchdog)


def store_config(src, work):
    with open(f"{src}/configs/store.example.json") as f:
        cfg = json.load(f)
    cams = cfg["cameras"]
    # The example's first two cameras (ids, fps_limit, roi, the entrance's zones), on files of the
    # shared media folder (a plain path is looked up there: docs/CONFIG.md) replayed forever.
    clips = ["faces/hamilton_640x360.mp4", "people/pets09_s2l1_768x576.avi"]
    for cam, clip in zip(cams, clips):
        cam["uri"] = clip
        cam["source"] = {"loop": True}
    cfg["cameras"] = cams[:2]
    cfg["campaigns"] = f"{src}/configs/campaigns.json"
    cfg["kafka"] = {"location": f"{work}/events-{{camera}}.jsonl",
                    "spool-dir": f"{work}/spool/{{camera}}"}
    cfg["metrics"] = {"enabled": False}
    cfg["shutdown_timeout_ms"] = 10000
    return cfg


def main():
    validate_dir, src, shared, build, work = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(f"{work}/store.json", "w") as f:
        json.dump(store_config(src, work), f, indent=1)

    b = f"{validate_dir}/build/validate"
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = f"{b}/gst/validate" + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    # The validate tracer (libgstvalidatetracer.so) is a plugin of that folder.
    env["GST_PLUGIN_PATH"] = f"{b}/gst/validate" + (
        ":" + env["GST_PLUGIN_PATH"] if env.get("GST_PLUGIN_PATH") else "")
    env["GST_VALIDATE_PLUGIN_PATH"] = f"{b}/plugins"
    env["GST_TRACERS"] = "validate"
    env["GST_VALIDATE"] = "fatal_criticals"
    env["GST_VALIDATE_FILE"] = f"{work}/validate.log"
    env["GST_DEBUG"] = "validate*:3"  # every report as it happens (criticals ERROR, warnings WARN)
    env["RETAIL_SHARED_DIR"] = shared
    env["XDG_CACHE_HOME"] = f"{work}/cache"
    # The registry is scanned afresh (own cache): in a child process, as by default. Scanned in
    # retail-launch itself (GST_REGISTRY_FORK=no, as the other tests run), the scan dlopen()s
    # build/plugins/libgstretail.so into a process that links the same code statically, and its
    # C++ globals (retail::campaign::kEmotions) are destroyed twice at exit: "free(): invalid
    # pointer", abort after a clean shutdown.
    env.pop("GST_REGISTRY_FORK", None)

    launcher = f"{build}/launcher/retail-launch"
    with open(f"{work}/launcher.out", "w") as out, open(f"{work}/launcher.err", "w") as err:
        p = subprocess.Popen([launcher, f"{work}/store.json"], stdout=out, stderr=err, env=env)
        failures = []
        events = [f"{work}/events-{c['id']}.jsonl" for c in store_config(src, work)["cameras"]]

        def frames_seen():
            return all(os.path.exists(e) and os.path.getsize(e) > 0 for e in events)

        deadline = time.monotonic() + START_LIMIT_S
        while p.poll() is None and not frames_seen() and time.monotonic() < deadline:
            time.sleep(0.5)
        if p.poll() is None and frames_seen():
            time.sleep(RUN_S)
        elif p.poll() is None:
            failures.append(f"a camera wrote no event within {START_LIMIT_S} s")
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(STOP_LIMIT_S)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                failures.append(f"retail-launch did not exit within {STOP_LIMIT_S} s of SIGTERM")
        else:
            failures.append(f"retail-launch exited before SIGTERM (code {p.returncode})")

    text_out = open(f"{work}/launcher.out", errors="replace").read()
    text_err = open(f"{work}/launcher.err", errors="replace").read()
    report = open(f"{work}/validate.log", errors="replace").read() if os.path.exists(
        f"{work}/validate.log") else ""
    report = "\n".join(l for l in report.replace("\r", "\n").splitlines()
                        if l.strip() and not l.startswith("<position"))
    print("-- retail-launch stdout (tail):\n" + "\n".join(text_out.splitlines()[-20:]))
    print("-- retail-launch stderr (tail):\n" + "\n".join(text_err.splitlines()[-40:]))
    print("-- validate report file:\n" + report)
    criticals = [l for l in text_err.splitlines()
                 if re.search(r"\bERROR\b.*\bvalidate", l) and "critical" in l.lower()]
    if "Bail out!" in text_out + text_err + report or criticals:
        failures.append("the validate tracer reported a critical issue: " +
                        "; ".join(criticals[:5]))
    if p.returncode != 0 and not any(f.startswith("retail-launch did not") for f in failures):
        failures.append(f"retail-launch exited with {p.returncode} after SIGTERM (expected 0)")
    if "retail-launch summary" not in text_out + text_err:
        failures.append("no 'retail-launch summary' line: the shutdown did not complete")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
