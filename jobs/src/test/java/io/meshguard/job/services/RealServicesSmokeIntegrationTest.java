package io.meshguard.job.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proves the real Kafka broker and redis-server that the I/O integration tests build on work here. */
class RealServicesSmokeIntegrationTest {

    // Redis first: if it is missing (and not required) the class is skipped before a broker starts.
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @AfterAll
    static void reportStartupTimes() {
        System.out.printf("[real-services] kafka broker ready in %d ms; redis-server in %d ms"
                        + " (latest start %d ms)%n",
                KAFKA.startupTime().toMillis(),
                REDIS.startupTime().toMillis(),
                REDIS.lastStartupTime().toMillis());
    }

    @Test
    void recordProducedToANewTopicIsConsumedByAGroup() throws Exception {
        String topic = "smoke-events";
        KAFKA.createTopic(topic, 2);

        Properties producerProps = KAFKA.clientProperties();
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            written = producer.send(new ProducerRecord<>(topic, "user:alice", "{\"n\":1}"))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        Properties consumerProps = KAFKA.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-group");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }

        assertThat(read).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("user:alice");
            assertThat(record.value()).isEqualTo("{\"n\":1}");
            assertThat(record.partition()).isEqualTo(written.partition());
            assertThat(record.offset()).isEqualTo(written.offset());
        });
    }

    @Test
    void valueSetInRedisIsReadBack() {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();

            redis.set("identity:user:alice", "QUARANTINE");

            assertThat(redis.get("identity:user:alice")).isEqualTo("QUARANTINE");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void clientReconnectsOnItsOwnAfterRedisRestarts() throws Exception {
        // A short constant reconnect delay: the default backs off exponentially up to 30 s.
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .build();
        RedisURI uri = RedisURI.create(REDIS.uri());
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(resources, uri);
        // Fail fast while disconnected instead of queueing commands until the timeout.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.set("segment:asn:64500", "before-outage");

            REDIS.stop();
            assertThat(REDIS.isRunning()).isFalse();
            assertThatThrownBy(redis::ping).isInstanceOf(RedisException.class);

            REDIS.start();
            assertThat(awaitPong(redis)).isTrue();
            // Started with --save '' --appendonly no: a restarted server is empty.
            assertThat(redis.get("segment:asn:64500")).isNull();
            redis.set("segment:asn:64500", "after-outage");
            assertThat(redis.get("segment:asn:64500")).isEqualTo("after-outage");
        } finally {
            client.shutdown();
            resources.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean awaitPong(RedisCommands<String, String> redis) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if ("PONG".equals(redis.ping())) {
                    return true;
                }
            } catch (RedisException stillReconnecting) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
