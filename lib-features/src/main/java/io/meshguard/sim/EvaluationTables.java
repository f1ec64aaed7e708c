package io.meshguard.sim;

import io.meshguard.sim.Evaluation.AttackScore;
import io.meshguard.sim.Evaluation.LegitScore;
import io.meshguard.sim.Evaluation.Overall;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Plain-text tables of an {@link Evaluation}, and of two evaluations side by side. */
public final class EvaluationTables {
    /** F1 scores closer than this are a tie: the same counts give the same F1 up to rounding. */
    static final double TIE_TOLERANCE = 1e-9;

    private static final String DASH = "-";

    private EvaluationTables() {}

    /** One evaluation: attack scenarios, legitimate scenarios, then the overall line. */
    public static String table(Evaluation e) {
        StringBuilder sb = new StringBuilder();
        line(sb, "%-22s %9s %5s %5s %5s %9s %6s %6s %9s %9s", "attack scenario", "attackers", "TP", "early", "FP",
                "precision", "recall", "F1", "ttd p50 s", "ttd max s");
        for (AttackScore a : e.attacks().values()) {
            line(sb, "%-22s %9d %5d %5d %5d %9s %6s %6s %9s %9s", a.scenario().wireName(), a.attackers(),
                    a.truePositives(), a.early(), a.falsePositives(), ratio(a.precision()), ratio(a.recall()),
                    ratio(a.f1()), seconds(a.ttdP50()), seconds(a.ttdMax()));
        }
        line(sb, "%-22s %10s %9s %11s", "legit scenario", "identities", "acted on", "quarantined");
        for (LegitScore l : e.legit().values()) {
            line(sb, "%-22s %10d %9d %11d", l.scenario().wireName(), l.identities(), l.actedOn(), l.quarantined());
        }
        Overall o = e.overall();
        line(sb, "overall: %d attackers, %d detected, %d legit identities acted on; precision %s, recall %s, F1 %s",
                o.attackers(), o.truePositives(), o.falsePositives(), ratio(o.precision()), ratio(o.recall()),
                ratio(o.f1()));
        if (o.unlabelledActedOn() > 0) {
            line(sb, "acted on %d identities without a label (not scored)", o.unlabelledActedOn());
        }
        return sb.toString();
    }

    /**
     * Two evaluations of the same traffic side by side: per attack scenario precision, recall, F1
     * and ttd p50 of each and the winner on F1; per legitimate scenario the identities acted on by
     * each and the winner on fewer; the overall figures and the winner on overall F1.
     */
    public static String comparison(String nameA, Evaluation a, String nameB, Evaluation b) {
        StringBuilder sb = new StringBuilder();
        String groupA = center(nameA, 33);
        String groupB = center(nameB, 33);
        line(sb, "%-22s | %s | %s |", "", groupA, groupB);
        line(sb, "%-22s | %9s %6s %6s %9s | %9s %6s %6s %9s | %s", "attack scenario", "precision", "recall", "F1",
                "ttd p50 s", "precision", "recall", "F1", "ttd p50 s", "winner on F1");
        Set<Scenario> attacks = EnumSet.noneOf(Scenario.class);
        attacks.addAll(a.attacks().keySet());
        attacks.addAll(b.attacks().keySet());
        for (Scenario s : attacks) {
            AttackScore x = a.attacks().get(s);
            AttackScore y = b.attacks().get(s);
            line(sb, "%-22s | %s | %s | %s", s.wireName(), attackCells(x), attackCells(y),
                    winner(nameA, x == null ? Double.NaN : x.f1(), nameB, y == null ? Double.NaN : y.f1()));
        }
        line(sb, "%-22s | %16s %16s | %16s %16s | %s", "legit scenario", "acted on (FP)", "quarantined",
                "acted on (FP)", "quarantined", "winner on fewer FP");
        Set<Scenario> legit = EnumSet.noneOf(Scenario.class);
        legit.addAll(a.legit().keySet());
        legit.addAll(b.legit().keySet());
        for (Scenario s : legit) {
            LegitScore x = a.legit().get(s);
            LegitScore y = b.legit().get(s);
            // Fewer false positives wins, so compare the negated counts.
            line(sb, "%-22s | %s | %s | %s", s.wireName(), legitCells(x), legitCells(y),
                    winner(nameA, x == null ? Double.NaN : -x.actedOn(), nameB, y == null ? Double.NaN : -y.actedOn()));
        }
        Overall x = a.overall();
        Overall y = b.overall();
        line(sb, "%-22s | %9s %6s %6s %9s | %9s %6s %6s %9s | %s", "overall", ratio(x.precision()),
                ratio(x.recall()), ratio(x.f1()), "", ratio(y.precision()), ratio(y.recall()), ratio(y.f1()), "",
                winner(nameA, x.f1(), nameB, y.f1()));
        line(sb, "%-22s | %33s | %33s |", "overall TP / FP", x.truePositives() + " / " + x.falsePositives(),
                y.truePositives() + " / " + y.falsePositives());
        return sb.toString();
    }

    /** The name of the higher score, or {@code tie}; an undefined score loses to any defined one. */
    static String winner(String nameA, double a, String nameB, double b) {
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return "tie";
        }
        if (Double.isNaN(a)) {
            return nameB;
        }
        if (Double.isNaN(b)) {
            return nameA;
        }
        if (Math.abs(a - b) <= TIE_TOLERANCE) {
            return "tie";
        }
        return a > b ? nameA : nameB;
    }

    private static String attackCells(AttackScore s) {
        if (s == null) {
            return String.format(Locale.ROOT, "%9s %6s %6s %9s", DASH, DASH, DASH, DASH);
        }
        return String.format(Locale.ROOT, "%9s %6s %6s %9s", ratio(s.precision()), ratio(s.recall()), ratio(s.f1()),
                seconds(s.ttdP50()));
    }

    private static String legitCells(LegitScore s) {
        if (s == null) {
            return String.format(Locale.ROOT, "%16s %16s", DASH, DASH);
        }
        return String.format(Locale.ROOT, "%16d %16d", s.actedOn(), s.quarantined());
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? DASH : String.format(Locale.ROOT, "%.3f", v);
    }

    static String seconds(double v) {
        return Double.isNaN(v) ? DASH : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String center(String text, int width) {
        String t = text.length() > width ? text.substring(0, width) : text;
        int left = (width - t.length()) / 2;
        return " ".repeat(left) + t + " ".repeat(width - t.length() - left);
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args).stripTrailing()).append('\n');
    }
}
