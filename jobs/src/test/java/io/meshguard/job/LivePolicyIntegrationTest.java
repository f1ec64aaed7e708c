package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.RawTelemetry;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.sim.GroundTruthLabel;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies at work on a MiniCluster at parallelism 2, over the simulator's attacks: a start-up
 * policy's allowlist, shadow segment and manual clamp, then run-time policies on the control
 * channel (one rejected, one accepted) and a malformed false-positive report.
 *
 * <p>Two runs of the same simulated traffic: one with the start-up policy alone, where every
 * decision must carry its version, and one that adds the control lines. The control source is
 * independent of the telemetry, so when its lines land relative to the requests is up to the
 * scheduler; the second run asserts only what does not depend on that (see {@link
 * #runTimePolicyIsAuditedOnceAndLaterDecisionsCarryItsVersion}).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LivePolicyIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final SimulationConfig SIMULATION = SimulationConfig.builder().seed(7).durationSeconds(200).build();
    private static final long START = SimulationConfig.DEFAULT_START_EPOCH_MILLIS;

    /** A residential ASN no attack comes from; the flash crowd reaches it only after the clamp ends. */
    private static final String CALM_SEGMENT = "asn:64507";
    private static final long CLAMP_UNTIL = START + 70_000;
    private static final String SHADOW_SEGMENT = "asn:64666";

    private static final long STARTUP_VERSION = 1;
    private static final long RUNTIME_VERSION = 2;
    private static final String CONTROL_ORIGIN = "test-control";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    @TempDir
    static Path dir;

    private static List<GroundTruthLabel> labels;
    /** Allowlisted by identity: one of the two path scanners. */
    private static String allowlistedScanner;
    /** Allowlisted by a /32 CIDR: one of the credential stuffers. */
    private static String allowlistedStuffer;

    private static Outcome startUpOnly;
    private static Outcome withControl;
    private static String rejectedPolicy;

    @BeforeAll
    static void runBothJobs() throws Exception {
        labels = new TrafficSimulator(SIMULATION).labels();
        allowlistedScanner = attackers(Scenario.PATH_SCANNER).get(0);
        allowlistedStuffer = attackers(Scenario.CREDENTIAL_STUFFING).get(0);
        Path policyFile = Files.writeString(dir.resolve("policy.json"), policy(STARTUP_VERSION), StandardCharsets.UTF_8);

        startUpOnly = run(policyFile, null);

        // Higher version, but a misspelt key: rejected whole, and it does not raise the version bar.
        rejectedPolicy = policy(3).replace("\"allowlist\"", "\"allowlst\"");
        List<RawTelemetry> control = List.of(
                new RawTelemetry(rejectedPolicy, CONTROL_ORIGIN),
                new RawTelemetry(policy(RUNTIME_VERSION), CONTROL_ORIGIN),
                new RawTelemetry(MALFORMED_FALSE_POSITIVE, CONTROL_ORIGIN));
        withControl = run(policyFile, control);
    }

    /** A report without the segment of the disputed decision. */
    private static final String MALFORMED_FALSE_POSITIVE =
            "{\"false_positive\": {\"identity\": \"ip:198.18.0.9\", \"ts\": \"2026-11-23T08:01:00Z\"}}";

    /** The start-up policy; run-time versions differ only in their version. */
    private static String policy(long version) {
        String scannerIp = allowlistedScanner.substring("ip:".length());
        String stufferIp = allowlistedStuffer.substring("ip:".length());
        return """
                {"version": %d,
                 "description": "live-policy test",
                 "allowlist": {"identities": ["%s"], "cidrs": ["%s/32"]},
                 "shadow": {"segments": ["%s"]},
                 "manual": [{"target": "segment:%s", "action": "clamp", "cap_rps": 40,
                             "until": "%s", "reason": "load test on the JP edge"}]}
                """.formatted(version, "ip:" + scannerIp, stufferIp, SHADOW_SEGMENT, CALM_SEGMENT,
                Instant.ofEpochMilli(CLAMP_UNTIL)).replace('\n', ' ');
    }

    // ---- Start-up policy ----------------------------------------------------------------------

    @Test
    void allowlistedAttackersAreNeverActedOnWhileTheirAccomplicesAre() {
        for (Outcome outcome : List.of(startUpOnly, withControl)) {
            assertThat(outcome.nonAllowIdentities()).doesNotContain(allowlistedScanner, allowlistedStuffer);
            assertThat(outcome.audit).filteredOn(l -> "decision".equals(l.get("type")))
                    .filteredOn(l -> !"ALLOW".equals(l.get("action")))
                    .extracting(l -> l.get("identity"))
                    .doesNotContain(allowlistedScanner, allowlistedStuffer);
            // The same scenarios' other attackers are caught: the allowlist, not luck, spared these two.
            assertThat(outcome.nonAllowIdentities())
                    .contains(attackers(Scenario.PATH_SCANNER).get(1), attackers(Scenario.CREDENTIAL_STUFFING).get(1));
        }
    }

    @Test
    void shadowSegmentIsAuditedButNeverEnforced() {
        Set<String> flood = Set.copyOf(attackers(Scenario.SIGNUP_FLOOD));
        for (Outcome outcome : List.of(startUpOnly, withControl)) {
            List<Map<String, Object>> shadowAudit = outcome.audit.stream()
                    .filter(l -> "decision".equals(l.get("type")))
                    .filter(l -> flood.contains((String) l.get("identity")))
                    .filter(l -> !"ALLOW".equals(l.get("action")))
                    .toList();
            assertThat(shadowAudit).as("audited decisions on the signup flood").isNotEmpty()
                    .allSatisfy(l -> {
                        assertThat(l.get("shadow")).isEqualTo(true);
                        assertThat(l.get("segment")).isEqualTo(SHADOW_SEGMENT);
                    });
            assertThat(outcome.enforcing).as("enforcing decisions in %s", SHADOW_SEGMENT)
                    .noneMatch(d -> SHADOW_SEGMENT.equals(d.segment) || flood.contains(d.identity));
            assertThat(outcome.enforcing).as("the rest is enforced").anyMatch(d -> d.action != Action.ALLOW);
            assertThat(outcome.enforcing).noneMatch(d -> d.shadow);
        }
    }

    @Test
    void manualClampHoldsTheCalmSegmentUntilItsExpiry() {
        List<SegmentUpdate> updates = startUpOnly.segmentUpdates.stream()
                .filter(u -> CALM_SEGMENT.equals(u.segment))
                .sorted(Comparator.comparingLong(u -> u.version))
                .toList();

        SegmentUpdate clamp = updates.stream().filter(u -> u.manual && u.mode == SegmentMode.CLAMPED)
                .findFirst().orElseThrow(() -> new AssertionError("no manual clamp of " + CALM_SEGMENT + ": " + updates));
        assertThat(clamp.manualUntilMillis).isEqualTo(CLAMP_UNTIL);
        assertThat(clamp.segmentCapRps).isEqualTo(40.0);
        assertThat(clamp.timestampMillis).as("applied with the segment's first interval").isLessThan(START + 5_000);

        SegmentUpdate release = updates.stream().filter(u -> u.version > clamp.version && !u.manual)
                .findFirst().orElseThrow(() -> new AssertionError("the clamp never ended: " + updates));
        assertThat(release.timestampMillis).isGreaterThanOrEqualTo(CLAMP_UNTIL).isLessThan(CLAMP_UNTIL + 5_000);
        assertThat(release.previousMode).isEqualTo(SegmentMode.CLAMPED);
        assertThat(release.mode).as("a calm segment").isEqualTo(SegmentMode.NORMAL);
        assertThat(release.reason).contains("manual clamp expired");
        assertThat(updates).as("no manual hold after the clamp ended")
                .filteredOn(u -> u.version > release.version).noneMatch(u -> u.manual);
    }

    @Test
    void everyDecisionUnderTheStartUpPolicyCarriesItsVersion() {
        assertThat(startUpOnly.decisions).isNotEmpty()
                .allSatisfy(d -> assertThat(d.policyVersion).as("policy version of %s", d).isEqualTo(STARTUP_VERSION));
        assertThat(startUpOnly.policyVerdicts()).as("no control lines, no verdicts").isEmpty();
        assertThat(startUpOnly.deadLetters).isEmpty();
    }

    // ---- Run-time policies ----------------------------------------------------------------------

    /**
     * Deterministic whatever the interleaving: the verdicts (the control lines keep their order),
     * that no decision carries the rejected version or none at all, and that an identity's policy
     * version never goes back. That decisions come after the acceptance is not ordered against the
     * telemetry, but the control source ends within moments of the job's start while the attacks
     * begin 60 s of simulated traffic (about 100,000 requests) in, so decisions under the new
     * version are certain in practice.
     */
    @Test
    void runTimePolicyIsAuditedOnceAndLaterDecisionsCarryItsVersion() {
        List<Map<String, Object>> verdicts = withControl.policyVerdicts();
        assertThat(verdicts).hasSize(2);
        assertThat(verdicts).filteredOn(v -> Boolean.FALSE.equals(v.get("accepted"))).singleElement()
                .satisfies(v -> {
                    assertThat(v.get("version")).as("unparsed documents have no version").isNull();
                    assertThat((String) v.get("reason")).startsWith("rejected policy: ")
                            .contains("allowlst").contains("unknown key");
                    assertThat(v.get("origin")).isEqualTo(CONTROL_ORIGIN);
                });
        assertThat(verdicts).filteredOn(v -> Boolean.TRUE.equals(v.get("accepted"))).singleElement()
                .satisfies(v -> {
                    assertThat(((Number) v.get("version")).longValue()).isEqualTo(RUNTIME_VERSION);
                    assertThat((String) v.get("reason"))
                            .isEqualTo("accepted policy version 2 (was 1)");
                });

        assertThat(withControl.decisions).extracting(d -> d.policyVersion)
                .isSubsetOf(STARTUP_VERSION, RUNTIME_VERSION)
                .contains(RUNTIME_VERSION);
        Map<String, List<Decision>> byIdentity = withControl.decisions.stream()
                .collect(Collectors.groupingBy(d -> d.identity));
        byIdentity.forEach((identity, list) -> {
            List<Long> versions = list.stream().sorted(Comparator.comparingLong(d -> d.version))
                    .map(d -> d.policyVersion).toList();
            assertThat(versions).as("policy versions of %s in decision order", identity).isSorted();
        });
    }

    @Test
    void policyVerdictsAreStampedWithARealTime() {
        assertThat(withControl.policyVerdicts()).hasSize(2).allSatisfy(v -> assertThat(Instant.parse((String) v.get("ts")))
                .as("verdict time").isAfter(Instant.parse("2020-01-01T00:00:00Z")));
    }

    @Test
    void malformedFalsePositiveReportIsDeadLetteredWithItsReason() {
        assertThat(withControl.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.raw).isEqualTo(MALFORMED_FALSE_POSITIVE);
            assertThat(d.reason).isEqualTo(
                    "control: false_positive.segment is required (the segment of the disputed decision)");
            assertThat(d.origin).isEqualTo(CONTROL_ORIGIN);
        });
    }

    // ---- Running ----------------------------------------------------------------------------------

    private static List<String> attackers(Scenario scenario) {
        List<String> ids = labels.stream().filter(l -> l.scenario() == scenario).map(GroundTruthLabel::identity)
                .sorted().toList();
        assertThat(ids).as("%s attackers", scenario).hasSizeGreaterThanOrEqualTo(2);
        return ids;
    }

    private record Outcome(List<Decision> decisions, List<Decision> enforcing, List<Map<String, Object>> audit,
            List<SegmentUpdate> segmentUpdates, List<DeadLetter> deadLetters) {
        Set<String> nonAllowIdentities() {
            return decisions.stream().filter(d -> d.action != Action.ALLOW).map(d -> d.identity)
                    .collect(Collectors.toSet());
        }

        List<Map<String, Object>> policyVerdicts() {
            return audit.stream().filter(l -> "policy".equals(l.get("type"))).toList();
        }
    }

    /** @param control control lines, or null for none */
    private static Outcome run(Path policyFile, List<RawTelemetry> control) throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        env.setParallelism(PARALLELISM);
        env.getConfig().enableObjectReuse();
        Configuration options = new Configuration();
        options.set(MeshGuardOptions.POLICY_INITIAL, policyFile.toString());
        DataStream<RawTelemetry> controlLines = control == null
                ? ControlSources.none(env)
                : env.fromData(control).setParallelism(1).name("Test control lines");
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                TelemetrySources.simulator(env, SIMULATION, false), controlLines, MeshGuardConfig.from(options));
        Collected<Decision> decisions = Collected.of(streams.decisions());
        Collected<Decision> enforcing = Collected.of(streams.enforcingDecisions());
        Collected<String> audit = Collected.of(streams.audit());
        Collected<SegmentUpdate> updates = Collected.of(streams.segmentUpdates());
        Collected<DeadLetter> deadLetters = Collected.of(streams.deadLetters());
        env.executeAsync("live policy");
        for (Collected<?> c : List.of(decisions, enforcing, audit, updates, deadLetters)) {
            c.startDraining();
        }
        List<Map<String, Object>> auditLines = new ArrayList<>();
        for (String line : audit.await()) {
            auditLines.add(topLevel(line));
        }
        return new Outcome(decisions.await(), enforcing.await(), auditLines, updates.await(), deadLetters.await());
    }

    /** The line's top-level scalars; nested values are kept as {@code "<object>"} or {@code "<array>"}. */
    private static Map<String, Object> topLevel(String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            assertThat(p.nextToken()).as("line %s", line).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isStructStart()) {
                    fields.put(name, value == JsonToken.START_OBJECT ? "<object>" : "<array>");
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                    fields.put(name, p.getBooleanValue());
                } else if (value == JsonToken.VALUE_NULL) {
                    fields.put(name, null);
                } else {
                    fields.put(name, p.getNumberValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fields;
    }
}
