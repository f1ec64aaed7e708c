"""Scores a meshguard run against the simulator's ground truth.

usage: python3 notebooks/evaluate.py <out-dir> [<labels.jsonl>]
Reads decisions.jsonl from the out dir and the labels (default: labels.jsonl in the out dir, which
the job writes when it runs the built-in simulator; for a replayed file, pass the labels.jsonl the
simulator command wrote beside it) and prints, per scenario, how many identities were acted on and
how fast (time from attack start to the first non-ALLOW decision), and for attack scenarios
precision, recall and F1 as io.meshguard.sim.Evaluation defines them:
  TP: attacker acted on between its attack start and its attack end + TAIL_S;
  FP: legit identities in the attackers' segments acted on between the scenario's first attack start
      and last attack end + TAIL_S (collateral damage where and while the attack happened);
  precision TP/(TP+FP), recall TP/attackers, F1 2TP/(2TP+FP+FN); ttd from the first in-window action.
Overall FP counts every legit identity acted on at any time, once.
"""
import json
import sys
from collections import defaultdict
from datetime import datetime

TAIL_S = 60.0


def ts(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ratio(n, d):
    return f"{n / d:.3f}" if d else "-"


def main(out, labels_path=None):
    labels = {l["identity"]: l for l in load(labels_path or f"{out}/labels.jsonl")}
    acted_at = defaultdict(list)
    quarantined = set()
    for d in load(f"{out}/decisions.jsonl"):
        if d.get("type", "decision") != "decision":
            continue
        if d["action"] != "ALLOW":
            acted_at[d["identity"]].append(ts(d["ts"]))
        if d["action"] == "QUARANTINE":
            quarantined.add(d["identity"])
    by_scenario = defaultdict(list)
    for identity, label in labels.items():
        by_scenario[label["scenario"]].append(label)
    legit = [l for l in labels.values() if l["label"] == "legit"]
    print(f"{'scenario':22} {'label':6} {'identities':>10} {'acted on':>9} {'quarantined':>11} {'ttd p50 s':>9} "
          f"{'ttd max s':>9} {'TP':>5} {'FP':>5} {'precision':>9} {'recall':>6} {'F1':>6}")
    total_tp = total_attackers = 0
    for scenario, members in sorted(by_scenario.items()):
        acted = [m for m in members if m["identity"] in acted_at]
        q = sum(1 for m in members if m["identity"] in quarantined)
        row = f"{scenario:22} {members[0]['label']:6} {len(members):>10} {len(acted):>9} {q:>11}"
        if members[0]["label"] != "attack":
            print(row)
            continue
        delays = []
        for m in members:
            start, end = ts(m["attack_start"]), ts(m["attack_end"]) + TAIL_S
            hits = [t for t in acted_at.get(m["identity"], []) if start <= t < end]
            if hits:
                delays.append(min(hits) - start)
        delays.sort()
        segments = {m["segment"] for m in members}
        lo = min(ts(m["attack_start"]) for m in members)
        hi = max(ts(m["attack_end"]) for m in members) + TAIL_S
        fp = sum(1 for l in legit if l["segment"] in segments
                 and any(lo <= t < hi for t in acted_at.get(l["identity"], [])))
        tp, fn = len(delays), len(members) - len(delays)
        total_tp += tp
        total_attackers += len(members)
        p50 = f"{delays[len(delays) // 2]:.1f}" if delays else "-"
        worst = f"{delays[-1]:.1f}" if delays else "-"
        print(f"{row} {p50:>9} {worst:>9} {tp:>5} {fp:>5} {ratio(tp, tp + fp):>9} {ratio(tp, len(members)):>6} "
              f"{ratio(2 * tp, 2 * tp + fp + fn):>6}")
    fp_all = sum(1 for l in legit if l["identity"] in acted_at)
    fn_all = total_attackers - total_tp
    print(f"overall: {total_attackers} attackers, {total_tp} detected, {fp_all} legit identities acted on; "
          f"precision {ratio(total_tp, total_tp + fp_all)}, recall {ratio(total_tp, total_attackers)}, "
          f"F1 {ratio(2 * total_tp, 2 * total_tp + fp_all + fn_all)}")
    unknown = [i for i in acted_at if i not in labels]
    if unknown:
        print(f"acted on {len(unknown)} identities without a label, e.g. {unknown[:3]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out", sys.argv[2] if len(sys.argv) > 2 else None)
