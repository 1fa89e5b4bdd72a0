#!/usr/bin/env bash
# The real-Kafka outage run of issue 13: a Kafka 0.9.0.1 broker (tests/integration/kafka09.sh),
# topic pre-created, 10,000 events, the broker SIGKILLed for 60 s mid-stream and restarted.
# Prints one figures line per run: lost, out of order per camera, duplicates, counted re-sends.
#   bench/reliability/kafka_outage.sh [runs=5]    (from the source folder, after a ci build)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
for i in $(seq 1 "$runs"); do
  RETAIL_OUTAGE_EVENTS=10000 RETAIL_OUTAGE_DOWN_S=60 RETAIL_OUTAGE_PRECREATE=1 \
    timeout 600 "$here/build/tests/integration_kafkasink_kafka09" \
    --gtest_filter=KafkaSinkKafka09.BrokerKilledWithSigkillAndRestartedLosesNothing 2>&1 |
    grep -E "kafka 0.9 SIGKILL run|PASSED|FAILED" | sed "s/^/run $i: /"
done
