package io.meshguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.model.Action;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentState;
import io.meshguard.segment.SegmentThresholdController;
import io.meshguard.segment.SegmentUpdate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualOverrideTest {
    private static final long NOON = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final long HALF_PAST = Instant.parse("2026-11-23T12:30:00Z").toEpochMilli();

    private final Policy policy;

    ManualOverrideTest() throws PolicyValidationException {
        policy = new PolicyParser().parse(PolicyParserTest.EXAMPLE);
    }

    @Test
    void overridesApplyUntilTheirExpiryAndNotAtIt() {
        assertThat(policy.activeSegmentManual("asn:64666", NOON - 1)).isNotNull();
        assertThat(policy.activeSegmentManual("asn:64666", NOON)).isNull();
        assertThat(policy.activeIdentityManual("user:alice", NOON)).isNotNull();
        assertThat(policy.activeIdentityManual("user:alice", HALF_PAST - 1).identityAction()).isEqualTo(Action.ALLOW);
        assertThat(policy.activeIdentityManual("user:alice", HALF_PAST)).isNull();
        // Expired overrides stay listed for the audit trail.
        assertThat(policy.manualOverrides()).hasSize(2);
    }

    @Test
    void otherTargetsHaveNoOverride() {
        assertThat(policy.activeSegmentManual("asn:64500", NOON - 1)).isNull();
        assertThat(policy.activeIdentityManual("user:bob", NOON - 1)).isNull();
        assertThat(policy.activeManualFor("segment:", NOON - 1)).isNull();
        assertThat(policy.activeManualFor(null, NOON - 1)).isNull();
    }

    @Test
    void segmentClampDrivesTheControllerAndExpiresWithIt() {
        SegmentThresholdController controller = new SegmentThresholdController(SegmentControllerConfig.defaults());
        SegmentState state = new SegmentState();
        long now = NOON - 60_000;
        ManualOverride clamp = policy.activeSegmentManual("asn:64666", now);

        SegmentUpdate u = clamp.applyTo(controller, state, now, policy.limitsFor("asn:64666"), policy.version());

        assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
        assertThat(u.segmentCapRps).isEqualTo(50.0);
        assertThat(u.manualUntilMillis).isEqualTo(NOON);
        assertThat(u.rateLimitScore).isEqualTo(3.0); // the segment's override is the base
        assertThat(u.reason).isEqualTo("NORMAL -> CLAMPED: manual clamp at 50.0 req/s until 2026-11-23T12:00:00Z (policy v7)");
        // Re-applied on the next broadcast: nothing new.
        assertThat(clamp.applyTo(controller, state, now + 1000, policy.limitsFor("asn:64666"), policy.version())).isNull();
    }

    @Test
    void identityOverrideCannotDriveASegment() {
        ManualOverride release = policy.activeIdentityManual("user:alice", NOON);
        assertThatThrownBy(() -> release.applyTo(
                        new SegmentThresholdController(SegmentControllerConfig.defaults()), new SegmentState(), NOON,
                        policy.limitsFor("asn:1"), 7))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("not a segment override: identity:user:alice");
    }
}
