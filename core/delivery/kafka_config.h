// librdkafka settings passed through by the user ("kafka-config"): either "k=v;k=v" or the path of
// a file with one "k=v" per line ('#' starts a comment line). Parsing only; librdkafka itself
// decides which keys and values are valid (KafkaProducer rejects what it does not know).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace retail::delivery {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Throws retail::Error(kConfig) naming the offending entry (and the file/line when read from a
// file), or kNotFound when a path-like value names a missing file.
KeyValues parse_kafka_config(const std::string& text);

}  // namespace retail::delivery
