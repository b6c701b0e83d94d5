#!/usr/bin/env python3
"""Runs a command under a pseudo-terminal and stamps each line it prints on stderr (Persona Lab
prints its stages there on a terminal) with the elapsed time and the process's resident memory;
kills it above LIMIT_KB. Usage: [STAMP_STDOUT=FILE] scripts/stamp.py LIMIT_KB persona-lab ctr --data DIR --json
"""
import os, pty, sys, time, subprocess, threading
limit = int(sys.argv[1]); cmd = sys.argv[2:]
master, slave = pty.openpty()
t0 = time.time()
out = os.environ.get("STAMP_STDOUT")  # where the command's own output goes (default: nowhere)
p = subprocess.Popen(cmd, stdout=open(out, "w") if out else subprocess.DEVNULL, stderr=slave)
os.close(slave)
maxrss = [0]
def watch():
    while p.poll() is None:
        try:
            rss = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1])
        except Exception:
            rss = 0
        maxrss[0] = max(maxrss[0], rss)
        if rss > limit:
            p.kill(); print(f"{time.time()-t0:7.1f}s KILLED at {rss/1e6:.2f} GB", flush=True)
        time.sleep(0.5)
threading.Thread(target=watch, daemon=True).start()
buf = b""
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data: break
    buf += data
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        try:
            rss = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1])
        except Exception:
            rss = 0
        print(f"{time.time()-t0:7.1f}s {rss/1e6:6.2f} GB  {line.decode(errors='replace').strip()}", flush=True)
p.wait()
print(f"rc {p.returncode} time {time.time()-t0:.1f}s max {maxrss[0]/1e6:.2f} GB")
