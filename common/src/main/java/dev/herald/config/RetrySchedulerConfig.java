package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.time.Duration;

/** Settings of the retry scheduler role: its Kafka Streams timers and the reconciler that runs beside them. */
public record RetrySchedulerConfig(
        String applicationId,
        int streamThreads,
        int standbyReplicas,
        Duration reconcilerGrace,
        int reconcilerBatchSize) {

    /** No standby replicas; for tests and tools that do not read the configuration. */
    public RetrySchedulerConfig(
            String applicationId, int streamThreads, Duration reconcilerGrace, int reconcilerBatchSize) {
        this(applicationId, streamThreads, 0, reconcilerGrace, reconcilerBatchSize);
    }

    static RetrySchedulerConfig from(SettingValues values) {
        RetrySchedulerConfig config = new RetrySchedulerConfig(
                values.get(RETRY_SCHEDULER_APPLICATION_ID),
                values.get(RETRY_SCHEDULER_STREAM_THREADS),
                values.get(RETRY_SCHEDULER_STANDBY_REPLICAS),
                values.get(RECONCILER_GRACE),
                values.get(RECONCILER_BATCH_SIZE));
        if (!config.applicationId().matches("[a-zA-Z0-9._-]{1,200}")) {
            values.problem(RETRY_SCHEDULER_APPLICATION_ID.displayName() + ": \"" + config.applicationId()
                    + "\" cannot name Kafka Streams topics. Fix: use letters, digits, '.', '_' and '-' only.");
        }
        return config;
    }
}
