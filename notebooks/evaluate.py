"""Scores a meshguard run against the simulator's ground truth.

usage: python3 notebooks/evaluate.py <out-dir> [<labels.jsonl>]
Reads decisions.jsonl from the out dir and the labels (default: labels.jsonl in the out dir, which
the job writes when it runs the built-in simulator; for a replayed file, pass the labels.jsonl the
simulator command wrote beside it) and prints, per scenario, how many identities were acted on and
how fast (time from attack start to the first non-ALLOW decision).
"""
import json
import sys
from collections import defaultdict
from datetime import datetime


def ts(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(out, labels_path=None):
    labels = {l["identity"]: l for l in load(labels_path or f"{out}/labels.jsonl")}
    first_action = {}
    quarantined = set()
    for d in load(f"{out}/decisions.jsonl"):
        if d["action"] != "ALLOW":
            first_action.setdefault(d["identity"], ts(d["ts"]))
        if d["action"] == "QUARANTINE":
            quarantined.add(d["identity"])
    by_scenario = defaultdict(list)
    for identity, label in labels.items():
        by_scenario[label["scenario"]].append(label)
    print(f"{'scenario':22} {'label':6} {'identities':>10} {'acted on':>9} {'quarantined':>11} {'ttd p50 s':>9} {'ttd max s':>9}")
    for scenario, members in sorted(by_scenario.items()):
        acted = [m for m in members if m["identity"] in first_action]
        delays = sorted(
            first_action[m["identity"]] - ts(m["attack_start"])
            for m in acted if m.get("attack_start"))
        q = sum(1 for m in members if m["identity"] in quarantined)
        p50 = f"{delays[len(delays) // 2]:.1f}" if delays else "-"
        worst = f"{delays[-1]:.1f}" if delays else "-"
        print(f"{scenario:22} {members[0]['label']:6} {len(members):>10} {len(acted):>9} {q:>11} {p50:>9} {worst:>9}")
    unknown = [i for i in first_action if i not in labels]
    if unknown:
        print(f"acted on {len(unknown)} identities without a label, e.g. {unknown[:3]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out", sys.argv[2] if len(sys.argv) > 2 else None)
