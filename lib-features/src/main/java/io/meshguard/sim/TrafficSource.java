package io.meshguard.sim;

import java.util.List;

/** One population or scenario of the simulation: its identities' labels and its requests per tick. */
interface TrafficSource {
    List<GroundTruthLabel> labels();

    /** Emits this source's requests whose start time falls in the tick, drawing only from the tick's random stream. */
    void generate(TickContext tick);
}
